/**
 * Time-of-use energy price schedules (`prices.energy_schedule` in the agent config): parse
 * and validate. An entry covers the local wall-clock minutes [from, to); `to < from` crosses
 * midnight, `to = from` is the whole day, `to` may be "24:00". Together the entries must
 * cover all 24 h exactly once.
 */

export interface TouEntry {
  /** Local wall-clock "HH:MM". */
  from: string;
  /** Local wall-clock "HH:MM" (exclusive), or "24:00". */
  to: string;
  per_kwh: number;
}

export interface ScheduleIssue {
  /** Config key path, e.g. `prices.energy_schedule[1].from`. */
  path: string;
  message: string;
}

/** A schedule that cannot be used; `issues` lists every problem at once. */
export class PriceScheduleError extends Error {
  readonly code = "TW_ERR_PRICE_SCHEDULE";
  constructor(readonly issues: ScheduleIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    this.name = "PriceScheduleError";
  }
}

export const MINUTES_PER_DAY = 1440;

/** Minutes since local midnight, or undefined when not "HH:MM" (24:00 only where allowed). */
export function parseClock(text: string, allow24: boolean): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (allow24 && h === 24 && min === 0) return MINUTES_PER_DAY;
  return h < 24 && min < 60 ? h * 60 + min : undefined;
}

function formatClock(minute: number): string {
  const h = Math.floor(minute / 60);
  return `${String(h).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** Minutes [start, end) of the day an entry covers, as one or two runs. */
function runs(from: number, to: number): Array<[number, number]> {
  if (to > from) return [[from, to]];
  // Crosses midnight; `to = from` wraps all the way round.
  const wrapped: Array<[number, number]> = [[from, MINUTES_PER_DAY]];
  if (to > 0) wrapped.push([0, to]);
  return wrapped;
}

/** Which entry prices each minute of the local day. */
export interface ScheduleTable {
  /** Per minute of the day: the entry's index, -1 where none. */
  entryAt: Int32Array;
  perKwh: number[];
}

/**
 * Every problem of a schedule (bad clock, bad price, overlap, uncovered minutes), each naming
 * the entry by its key path; empty when the schedule is usable.
 */
export function validateSchedule(
  entries: readonly TouEntry[],
  path = "prices.energy_schedule",
): ScheduleIssue[] {
  return buildTable(entries, path).issues;
}

/** The minute table of a valid schedule; throws PriceScheduleError listing every issue. */
export function scheduleTable(
  entries: readonly TouEntry[],
  path = "prices.energy_schedule",
): ScheduleTable {
  const { table, issues } = buildTable(entries, path);
  if (issues.length > 0) throw new PriceScheduleError(issues);
  return table;
}

function buildTable(
  entries: readonly TouEntry[],
  path: string,
): { table: ScheduleTable; issues: ScheduleIssue[] } {
  const issues: ScheduleIssue[] = [];
  const entryAt = new Int32Array(MINUTES_PER_DAY).fill(-1);
  if (entries.length === 0) issues.push({ path, message: "is empty; list entries covering 24 h" });
  entries.forEach((e, i) => {
    const at = `${path}[${i}]`;
    const from = parseClock(e.from, false);
    const to = parseClock(e.to, true);
    if (from === undefined)
      issues.push({ path: `${at}.from`, message: `"${e.from}" is not HH:MM` });
    if (to === undefined)
      issues.push({ path: `${at}.to`, message: `"${e.to}" is not HH:MM or 24:00` });
    if (!(Number.isFinite(e.per_kwh) && e.per_kwh >= 0)) {
      issues.push({ path: `${at}.per_kwh`, message: `${e.per_kwh} is not a price ≥ 0` });
    }
    if (from === undefined || to === undefined) return;
    for (const [a, b] of runs(from, to)) {
      markRun(entryAt, a, b, i, at, path, issues);
    }
  });
  reportUncovered(entryAt, path, issues);
  return { table: { entryAt, perKwh: entries.map((e) => e.per_kwh) }, issues };
}

function markRun(
  entryAt: Int32Array,
  a: number,
  b: number,
  index: number,
  at: string,
  path: string,
  issues: ScheduleIssue[],
): void {
  let m = a;
  while (m < b) {
    const other = entryAt[m];
    if (other < 0) {
      entryAt[m] = index;
      m++;
      continue;
    }
    let end = m;
    while (end < b && entryAt[end] === other) end++;
    issues.push({
      path: at,
      message: `overlaps ${path}[${other}] during ${formatClock(m)}–${formatClock(end)}; make one end where the other starts`,
    });
    m = end;
  }
}

function reportUncovered(entryAt: Int32Array, path: string, issues: ScheduleIssue[]): void {
  let m = 0;
  while (m < MINUTES_PER_DAY) {
    if (entryAt[m] >= 0) {
      m++;
      continue;
    }
    let end = m;
    while (end < MINUTES_PER_DAY && entryAt[end] < 0) end++;
    issues.push({
      path,
      message: `no entry covers ${formatClock(m)}–${formatClock(end)}; every minute of the day needs a price`,
    });
    m = end;
  }
}
