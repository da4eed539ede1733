/**
 * Price book helpers: energy prices (and any other per-kWh rate) as UTC step series for
 * the kernel's `stepMean`. A time-of-use schedule is local wall-clock in an IANA zone: the
 * price at an instant is the entry containing the local clock time of that instant, so DST
 * nights are priced as the clock on the wall reads (docs/metering-model.md).
 */
import {
  MINUTES_PER_DAY,
  PriceScheduleError,
  type ScheduleTable,
  scheduleTable,
  type TouEntry,
} from "./price-schedule.js";
import type { StepSeries } from "./types.js";
import { isKnownTimeZone, type OffsetTimeline, offsetAt, offsetTimeline } from "./tz-offsets.js";

export {
  PriceScheduleError,
  type ScheduleIssue,
  type TouEntry,
  validateSchedule,
} from "./price-schedule.js";

const DAY_S = 86400;

/** A constant price: one step that holds for ever. */
export function flatSeries(value: number): StepSeries {
  return { timeS: Float64Array.of(0), value: Float64Array.of(value) };
}

/**
 * The schedule as a UTC step series exact on [fromS, toS): the first step starts at fromS,
 * later steps where the price changes. Throws PriceScheduleError for an invalid schedule or
 * an unknown zone (a misconfiguration, found when the price book is built).
 */
export function expandSchedule(
  entries: readonly TouEntry[],
  timeZone: string,
  fromS: number,
  toS: number,
  path = "prices.energy_schedule",
): StepSeries {
  if (!isKnownTimeZone(timeZone)) {
    throw new PriceScheduleError([
      {
        path: "prices.timezone",
        message: `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`,
      },
    ]);
  }
  const table = scheduleTable(entries, path);
  const timeline = offsetTimeline(timeZone, fromS - DAY_S, toS + DAY_S);
  const timeS = [fromS];
  const value = [priceAt(table, timeline, fromS)];
  for (const t of candidateTimes(table, timeline, fromS, toS)) {
    const p = priceAt(table, timeline, t);
    if (p !== value[value.length - 1]) {
      timeS.push(t);
      value.push(p);
    }
  }
  return { timeS: Float64Array.from(timeS), value: Float64Array.from(value) };
}

function priceAt(table: ScheduleTable, timeline: OffsetTimeline, tS: number): number {
  const local = tS + offsetAt(timeline, tS);
  const minute = Math.floor((((local % DAY_S) + DAY_S) % DAY_S) / 60);
  return table.perKwh[table.entryAt[minute]];
}

/**
 * Every instant in (fromS, toS) where the price can change, sorted: where the local clock
 * reaches an entry boundary under any offset in force, and where the offset itself changes.
 */
function candidateTimes(
  table: ScheduleTable,
  timeline: OffsetTimeline,
  fromS: number,
  toS: number,
): number[] {
  const boundaries: number[] = [];
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    if (table.entryAt[m] !== table.entryAt[(m + MINUTES_PER_DAY - 1) % MINUTES_PER_DAY]) {
      boundaries.push(m * 60);
    }
  }
  const offsets = [...new Set(timeline.offsetS)];
  const firstDay = Math.floor((fromS + Math.min(...offsets)) / DAY_S) - 1;
  const lastDay = Math.floor((toS + Math.max(...offsets)) / DAY_S) + 1;
  const times = new Set<number>(timeline.timeS);
  for (let day = firstDay; day <= lastDay; day++) {
    for (const b of boundaries) for (const o of offsets) times.add(day * DAY_S + b - o);
  }
  return [...times].filter((t) => t > fromS && t < toS).sort((a, b) => a - b);
}
