import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConfigError } from "../../../agent/config/errors.js";
import { chunkSeconds, cutRanges, remainingRanges } from "../../../collector/reprice/plan.js";
import { parsePriceBook } from "../../../collector/reprice/price-book.js";

describe("PRICES.yaml", () => {
  it("the documented example parses", () => {
    const text = readFileSync(
      resolve(import.meta.dirname, "../../../collector/prices.example.yaml"),
      "utf8",
    );
    const book = parsePriceBook(text, "prices.example.yaml");
    expect(book).toMatchObject({ version: "tariff-2025-07", currency: "EUR", gpuHour: 2.1 });
    expect(book.laneDiscount).toEqual({
      public: 0,
      reserved: 0.25,
      regional: 0,
      colocated: 0.05,
      sovereign: 0.1,
    });
    expect(book.energy.kind).toBe("schedule");
    expect(book.pue).toBeUndefined();
  });
  it("reports every problem at once with its key path", () => {
    const text = `currency: euro
energy_per_kwh: 0.1
energy_schedule: [{ from: "07:00", to: "20:00", per_kwh: 0.2 }]
gpu_hour: -1
lane_discount: { reserved: 1.5 }
carbon_g_per_kwh: 1
colour: red
`;
    let error: ConfigError | undefined;
    try {
      parsePriceBook(text, "p.yaml");
    } catch (e) {
      error = e as ConfigError;
    }
    const paths = error?.issues.map((i) => i.path) ?? [];
    expect(error?.code).toBe("TW_ERR_CONFIG");
    expect(paths).toEqual(
      expect.arrayContaining(["currency", "gpu_hour", "lane_discount.reserved", "colour"]),
    );
  });
  it("needs exactly one energy price and a valid schedule with a zone", () => {
    const both = () =>
      parsePriceBook(
        `currency: USD\ngpu_hour: 1\nenergy_per_kwh: 1\nenergy_schedule: [{ from: "07:00", to: "20:00", per_kwh: 0.2 }]\n`,
        "p",
      );
    expect(both).toThrow(/exactly one of energy_per_kwh/);
    expect(both).toThrow(/timezone/);
    expect(both).toThrow(/no entry covers 20:00/);
  });
});

describe("re-pricing plan", () => {
  it("skips done ranges and cuts the rest on the grid", () => {
    const todo = remainingRanges({ fromS: 0, toS: 10_000 }, [{ fromS: 3600, toS: 7200 }]);
    expect(todo).toEqual([
      { fromS: 0, toS: 3600 },
      { fromS: 7200, toS: 10_000 },
    ]);
    expect(cutRanges(todo, 3600)).toEqual([
      { fromS: 0, toS: 3600 },
      { fromS: 7200, toS: 10_000 },
    ]);
    expect(cutRanges([{ fromS: 1800, toS: 9000 }], 3600)).toEqual([
      { fromS: 1800, toS: 3600 },
      { fromS: 3600, toS: 7200 },
      { fromS: 7200, toS: 9000 },
    ]);
    expect(remainingRanges({ fromS: 0, toS: 100 }, [{ fromS: 0, toS: 100 }])).toEqual([]);
  });
  it("sizes chunks by reading density", () => {
    // 10,000 GPUs at 60 s windows: 600,000 readings an hour.
    expect(chunkSeconds(432e6, 30 * 86400, 1e6)).toBe(3600);
    expect(chunkSeconds(1000, 86400, 1e6)).toBe(86400);
    expect(chunkSeconds(1e9, 3600, 1e6)).toBe(60);
  });
});
