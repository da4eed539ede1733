/**
 * Which ranges a re-pricing run still has to do: `[from, to)` minus the ranges already done
 * for the version (each committed with its lines, so never half done), cut into chunks on a
 * fixed grid (multiples of `chunkS` since the epoch) so a chunk holds about as many readings
 * as the run wants per kernel call.
 */
import type { TimeRangeS } from "../store/types.js";

/** `range` minus the union of `done`, in order. */
export function remainingRanges(range: TimeRangeS, done: readonly TimeRangeS[]): TimeRangeS[] {
  const sorted = [...done].sort((a, b) => a.fromS - b.fromS);
  const out: TimeRangeS[] = [];
  let at = range.fromS;
  for (const d of sorted) {
    if (d.toS <= at || d.fromS >= range.toS) continue;
    if (d.fromS > at) out.push({ fromS: at, toS: Math.min(d.fromS, range.toS) });
    at = Math.max(at, d.toS);
    if (at >= range.toS) break;
  }
  if (at < range.toS) out.push({ fromS: at, toS: range.toS });
  return out;
}

/**
 * Chunk length for a wanted number of readings per chunk, given the density seen over a
 * span: whole hours above an hour, whole minutes below, one minute at least.
 */
export function chunkSeconds(readings: number, spanS: number, perChunk: number): number {
  if (readings <= 0 || spanS <= 0) return 3600;
  const ideal = (perChunk / readings) * spanS;
  if (ideal >= 3600) return Math.min(Math.floor(ideal / 3600), 24) * 3600;
  return Math.max(60, Math.floor(ideal / 60) * 60);
}

/** Ranges cut at multiples of `chunkS`. */
export function cutRanges(ranges: readonly TimeRangeS[], chunkS: number): TimeRangeS[] {
  const out: TimeRangeS[] = [];
  for (const r of ranges) {
    let at = r.fromS;
    while (at < r.toS) {
      const next = Math.min(r.toS, (Math.floor(at / chunkS) + 1) * chunkS);
      out.push({ fromS: at, toS: next });
      at = next;
    }
  }
  return out;
}
