/** The usage line's time format, `YYYY-MM-DDTHH:mm:ssZ`, to and from epoch seconds. */
import { formatUtcSeconds } from "../kernel/src/usage-line.js";

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** The wire carries times as uint32 epoch seconds (good until 2106). */
export const MAX_WIRE_SECONDS = 0xffff_ffff;

/** Epoch seconds of a canonical time string, or undefined when it is not canonical. */
export function parseUtcSeconds(s: string): number | undefined {
  if (!UTC_SECONDS.test(s)) return undefined;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return undefined;
  const sec = ms / 1000;
  if (sec < 0 || sec > MAX_WIRE_SECONDS) return undefined;
  // Date.parse accepts 2024-02-30; the round trip rejects it.
  return formatUtcSeconds(sec) === s ? sec : undefined;
}

export { formatUtcSeconds };
