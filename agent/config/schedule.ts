import type { Path, RawIssue } from "./raw.js";
import { arr, rec, str } from "./raw.js";

const DAY_MIN = 1440;

function minutes(hhmm: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}

function hhmm(min: number): string {
  const h = Math.floor(min / 60) % 24;
  return `${String(h).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

/** Minute ranges [a, b) where `pred(count[m])` holds, as "HH:MM-HH:MM". */
function ranges(count: Uint8Array, pred: (c: number) => boolean): string[] {
  const out: string[] = [];
  let start = -1;
  for (let m = 0; m <= DAY_MIN; m++) {
    const hit = m < DAY_MIN && pred(count[m]);
    if (hit && start < 0) start = m;
    if (!hit && start >= 0) {
      out.push(`${hhmm(start)}-${hhmm(m)}`);
      start = -1;
    }
  }
  return out;
}

/**
 * A time-of-use schedule must price every minute of the day exactly once: a gap would
 * leave energy unpriced, an overlap would make the price ambiguous. Periods may wrap midnight.
 */
export function checkScheduleCoverage(schedule: unknown, path: Path): RawIssue[] {
  const count = new Uint8Array(DAY_MIN);
  const issues: RawIssue[] = [];
  let complete = true;
  arr(schedule).forEach((entry, i) => {
    const e = rec(entry);
    const from = minutes(str(e?.from) ?? "");
    const to = minutes(str(e?.to) ?? "");
    if (from === undefined || to === undefined) {
      complete = false;
      return;
    }
    if (from === to) {
      issues.push({
        path: [...path, i, "to"],
        message: `period is empty (from equals to, ${hhmm(from)}). Allowed: a different time; a flat price belongs in energy_per_kwh`,
      });
      return;
    }
    for (let m = from; m !== to; m = (m + 1) % DAY_MIN) count[m] = Math.min(255, count[m] + 1);
  });
  if (!complete) return issues;
  const gaps = ranges(count, (c) => c === 0);
  const overlaps = ranges(count, (c) => c > 1);
  if (gaps.length > 0)
    issues.push({
      path,
      message: `does not cover ${gaps.join(", ")}. Allowed: periods that together cover every minute of the day exactly once`,
    });
  if (overlaps.length > 0)
    issues.push({
      path,
      message: `periods overlap at ${overlaps.join(", ")}. Allowed: periods that together cover every minute of the day exactly once`,
    });
  return issues;
}
