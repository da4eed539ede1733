import { describe, expect, it } from "vitest";
import {
  expandSchedule,
  flatSeries,
  PriceScheduleError,
  type TouEntry,
  validateSchedule,
} from "../../kernel/src/prices.js";
import { referenceKernel } from "../../kernel/src/reference.js";
import type { StepSeries } from "../../kernel/src/types.js";

const utc = (iso: string) => Date.parse(iso) / 1000;
const iso = (s: number) => new Date(s * 1000).toISOString().replace(".000Z", "Z");

function steps(series: StepSeries): Array<[string, number]> {
  return Array.from(series.timeS, (t, i) => [iso(t), series.value[i]]);
}

const dayNight: TouEntry[] = [
  { from: "07:00", to: "22:00", per_kwh: 0.18 },
  { from: "22:00", to: "07:00", per_kwh: 0.09 },
];

// A boundary inside the hour that DST skips or repeats in Europe/Berlin (02:00–03:00).
const early: TouEntry[] = [
  { from: "00:00", to: "02:30", per_kwh: 1 },
  { from: "02:30", to: "24:00", per_kwh: 2 },
];

describe("expandSchedule", () => {
  it("follows the wall clock into summer time (Europe/Berlin, 2026-03-29)", () => {
    // 22:00 CET = 21:00Z; 07:00 CEST = 05:00Z: that night lasts 8 h, not 9.
    const s = expandSchedule(
      dayNight,
      "Europe/Berlin",
      utc("2026-03-28T12:00:00Z"),
      utc("2026-03-30T12:00:00Z"),
    );
    expect(steps(s)).toEqual([
      ["2026-03-28T12:00:00Z", 0.18],
      ["2026-03-28T21:00:00Z", 0.09],
      ["2026-03-29T05:00:00Z", 0.18],
      ["2026-03-29T20:00:00Z", 0.09],
      ["2026-03-30T05:00:00Z", 0.18],
    ]);
  });

  it("follows the wall clock back to winter time (Europe/Berlin, 2026-10-25)", () => {
    // 22:00 CEST = 20:00Z; 07:00 CET = 06:00Z: that night lasts 10 h.
    const s = expandSchedule(
      dayNight,
      "Europe/Berlin",
      utc("2026-10-24T12:00:00Z"),
      utc("2026-10-26T12:00:00Z"),
    );
    expect(steps(s)).toEqual([
      ["2026-10-24T12:00:00Z", 0.18],
      ["2026-10-24T20:00:00Z", 0.09],
      ["2026-10-25T06:00:00Z", 0.18],
      ["2026-10-25T21:00:00Z", 0.09],
      ["2026-10-26T06:00:00Z", 0.18],
    ]);
  });

  it("skips the local hour that does not exist and prices the repeated hour twice", () => {
    // Spring: at 01:00Z the clock jumps from 02:00 CET to 03:00 CEST, past the 02:30 boundary.
    const spring = expandSchedule(
      early,
      "Europe/Berlin",
      utc("2026-03-28T12:00:00Z"),
      utc("2026-03-29T12:00:00Z"),
    );
    expect(steps(spring)).toEqual([
      ["2026-03-28T12:00:00Z", 2],
      ["2026-03-28T23:00:00Z", 1],
      ["2026-03-29T01:00:00Z", 2],
    ]);
    // Autumn: 02:30 CEST (00:30Z), back to 02:00 CET at 01:00Z, 02:30 CET (01:30Z).
    const autumn = expandSchedule(
      early,
      "Europe/Berlin",
      utc("2026-10-24T12:00:00Z"),
      utc("2026-10-25T12:00:00Z"),
    );
    expect(steps(autumn)).toEqual([
      ["2026-10-24T12:00:00Z", 2],
      ["2026-10-24T22:00:00Z", 1],
      ["2026-10-25T00:30:00Z", 2],
      ["2026-10-25T01:00:00Z", 1],
      ["2026-10-25T01:30:00Z", 2],
    ]);
  });

  it("handles an entry that crosses midnight: a UTC day averages 15 h day and 9 h night", () => {
    const day = utc("2026-06-01T00:00:00Z");
    const s = expandSchedule(dayNight, "UTC", day, day + 86400);
    const mean = referenceKernel.stepMean(s, Float64Array.of(day), 86400)[0];
    expect(mean).toBeCloseTo((15 * 0.18 + 9 * 0.09) / 24, 12);
    expect(steps(s)[0]).toEqual(["2026-06-01T00:00:00Z", 0.09]);
  });

  it("works in a zone with a half-hour offset and no DST (Asia/Kolkata, UTC+05:30)", () => {
    const s = expandSchedule(
      dayNight,
      "Asia/Kolkata",
      utc("2026-01-01T00:00:00Z"),
      utc("2026-01-02T00:00:00Z"),
    );
    expect(steps(s)).toEqual([
      ["2026-01-01T00:00:00Z", 0.09],
      ["2026-01-01T01:30:00Z", 0.18],
      ["2026-01-01T16:30:00Z", 0.09],
    ]);
  });

  it("accepts a single entry for the whole day (to = from) and 24:00", () => {
    expect(validateSchedule([{ from: "06:00", to: "06:00", per_kwh: 0.1 }])).toEqual([]);
    expect(validateSchedule([{ from: "00:00", to: "24:00", per_kwh: 0.1 }])).toEqual([]);
    const s = expandSchedule(
      [{ from: "00:00", to: "24:00", per_kwh: 0.1 }],
      "Europe/Berlin",
      0,
      86400 * 400,
    );
    expect(Array.from(s.value)).toEqual([0.1]);
  });

  it("throws PriceScheduleError for an unknown zone or an invalid schedule", () => {
    expect(() => expandSchedule(dayNight, "Mars/Olympus", 0, 86400)).toThrow(PriceScheduleError);
    try {
      expandSchedule([{ from: "07:00", to: "22:00", per_kwh: 0.2 }], "UTC", 0, 86400);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PriceScheduleError);
      expect((e as PriceScheduleError).code).toBe("TW_ERR_PRICE_SCHEDULE");
      expect((e as PriceScheduleError).message).toContain("22:00–24:00");
    }
  });
});

describe("validateSchedule", () => {
  it("names the overlapping entry and the minutes it shares", () => {
    const issues = validateSchedule([
      { from: "07:00", to: "22:00", per_kwh: 0.18 },
      { from: "21:00", to: "07:00", per_kwh: 0.09 },
    ]);
    expect(issues).toEqual([
      {
        path: "prices.energy_schedule[1]",
        message: expect.stringContaining("overlaps prices.energy_schedule[0] during 21:00–22:00"),
      },
    ]);
  });

  it("names every uncovered stretch, bad clock and bad price at once", () => {
    const issues = validateSchedule(
      [
        { from: "7:00", to: "22:00", per_kwh: 0.18 },
        { from: "22:00", to: "25:00", per_kwh: -1 },
        { from: "08:00", to: "12:00", per_kwh: 0.2 },
      ],
      "sites.fra.energy_schedule",
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toContain("sites.fra.energy_schedule[0].from");
    expect(paths).toContain("sites.fra.energy_schedule[1].to");
    expect(paths).toContain("sites.fra.energy_schedule[1].per_kwh");
    expect(
      issues.filter((i) => i.message.startsWith("no entry covers")).map((i) => i.message),
    ).toEqual([expect.stringContaining("00:00–08:00"), expect.stringContaining("12:00–24:00")]);
    expect(validateSchedule([])).toHaveLength(2);
  });
});

describe("flatSeries", () => {
  it("holds one price at every time", () => {
    const s = flatSeries(0.12);
    const means = referenceKernel.stepMean(s, Float64Array.of(-1e9, 0, 1.7e9), 60);
    for (const m of means) expect(m).toBeCloseTo(0.12, 15);
  });
});
