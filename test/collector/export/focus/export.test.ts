import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFocus, defaultFocusDir } from "../../../../collector/export/focus/check.js";
import { exportFocus } from "../../../../collector/export/focus/export.js";
import { openDuckDb } from "../../../../collector/store/duckdb/driver.js";
import { DuckDbStore } from "../../../../collector/store/duckdb/store.js";
import type { LineFilter, StoredUsageLine } from "../../../../collector/store/types.js";
import { generateUsage, toBatches } from "../../../helpers/usage-lines.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");
const modelPath = join(defaultFocusDir(repoRoot), "requirements-model-1.2.json");
const haveModel = existsSync(modelPath);
if (!haveModel) console.warn(`FOCUS model not found at ${modelPath}: conformance tests skipped`);

const dir = mkdtempSync(join(tmpdir(), "tw-focus-"));
const store = new DuckDbStore({ path: join(dir, "tw.duckdb") });
// 3 agents × 2 GPUs × 150 one-minute windows from 06:00: hours 06, 07, 08 (ToU price change at 07).
const data = generateUsage({ windows: 150 });
const X_MEASURES = [
  "x_GpuEnergyJ",
  "x_IdleEnergyJ",
  "x_HostEnergyJ",
  "x_FacilityEnergyJ",
  "x_GpuSeconds",
  "x_PromptTokens",
  "x_CachedTokens",
  "x_GenerationTokens",
  "x_Requests",
  "x_CarbonG",
] as const;

beforeAll(async () => {
  await store.start();
  for (const b of toBatches(data, 5000)) {
    const l = b.lines[0];
    await store.ingest({
      ...b,
      site: {
        metro: l.RegionId,
        regionName: l.RegionId === "fra" ? "Frankfurt" : "Amsterdam",
        provider: "Example Colo",
      },
    });
  }
});
afterAll(async () => {
  await store.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads an exported file back with DuckDB and returns column sums. */
async function sums(file: string, columns: readonly string[]): Promise<Record<string, number>> {
  const h = await openDuckDb(":memory:");
  try {
    const src = file.endsWith(".csv")
      ? `read_csv('${file}', all_varchar = true)`
      : `read_parquet('${file}')`;
    const row = (
      await h.connection.runAndReadAll(
        `SELECT ${columns.map((c) => `coalesce(sum(CAST("${c}" AS DOUBLE)), 0) AS "${c}"`).join(", ")}, count(*) AS n FROM ${src}`,
      )
    ).getRowObjectsJS()[0];
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  } finally {
    h.connection.closeSync();
    h.instance.closeSync();
  }
}

function lineSums(lines: readonly StoredUsageLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...X_MEASURES, "ListCost", "EffectiveCost"] as const) {
    out[c] = lines.reduce((s, l) => s + (l[c] as number), 0);
  }
  return out;
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

async function exportTo(
  name: string,
  format: "csv" | "parquet",
  filter: LineFilter = {},
): Promise<string> {
  const out = join(dir, name);
  const r = await exportFocus({ store, version: "1.2", format, out, ...filter });
  if (!r.ok) throw r.error;
  expect(r.rows).toBeGreaterThan(0);
  return out;
}

describe("FOCUS export", () => {
  for (const format of ["csv", "parquet"] as const) {
    it(`${format}: x_ sums, ListCost and EffectiveCost equal the stored lines`, async () => {
      const file = await exportTo(`all.${format}`, format);
      const got = await sums(file, [...X_MEASURES, "ListCost", "EffectiveCost", "BilledCost"]);
      const want = lineSums(data.lines);
      for (const [k, v] of Object.entries(want)) expectClose(got[k], v);
      expectClose(got.BilledCost, want.EffectiveCost);
    });

    it.skipIf(!haveModel)(`${format}: passes every applicable FOCUS 1.2 rule`, async () => {
      const r = await checkFocus(await exportTo(`conf.${format}`, format), { modelPath });
      if (!r.ok) throw r.error;
      const bad = r.report.results.filter((x) => x.status === "fail" || x.status === "warn");
      expect(bad.map((x) => `${x.ruleId}: ${x.message}`)).toEqual([]);
      expect(r.report.counts.pass).toBeGreaterThan(300);
    });
  }

  it("CSV: ListCost is exactly ListUnitPrice × PricingQuantity, times are UTC text, two SKUs", async () => {
    const file = await exportTo("exact.csv", "csv");
    const h = await openDuckDb(":memory:");
    try {
      const r = (
        await h.connection.runAndReadAll(`SELECT
  count(*) FILTER (WHERE CAST("ListUnitPrice" AS DOUBLE) * CAST("PricingQuantity" AS DOUBLE) <> CAST("ListCost" AS DOUBLE)) AS inexact,
  count(*) FILTER (WHERE NOT regexp_full_match("ChargePeriodStart", '\\d{4}-\\d{2}-\\d{2}T\\d{2}:00:00Z')) AS bad_time,
  count(DISTINCT "PricingUnit") AS units, count(DISTINCT "ChargePeriodStart") AS hours,
  count(*) FILTER (WHERE "PricingUnit" = 'GPU-Hours' AND CAST("x_GenerationTokens" AS DOUBLE) <> 0) AS gpu_rows_with_tokens
FROM read_csv('${file}', all_varchar = true)`)
      ).getRowObjectsJS()[0];
      expect(Number(r.inexact)).toBe(0);
      expect(Number(r.bad_time)).toBe(0);
      expect(Number(r.units)).toBe(2);
      expect(Number(r.hours)).toBe(3);
      expect(Number(r.gpu_rows_with_tokens)).toBe(0);
    } finally {
      h.connection.closeSync();
      h.instance.closeSync();
    }
  });

  it("filters by time, metro and tenant like the stored lines", async () => {
    const filter = {
      from: "2025-06-01T07:00:00Z",
      to: "2025-06-01T08:00:00Z",
      metro: "fra",
      tenant: "acme",
    };
    const got = await sums(await exportTo("filtered.parquet", "parquet", filter), [
      "x_GenerationTokens",
      "EffectiveCost",
    ]);
    const lines = data.lines.filter(
      (l) =>
        l.ChargePeriodStart >= filter.from &&
        l.ChargePeriodStart < filter.to &&
        l.RegionId === "fra" &&
        l.SubAccountId === "acme",
    );
    expect(lines.length).toBeGreaterThan(0);
    const want = lineSums(lines);
    expectClose(got.x_GenerationTokens, want.x_GenerationTokens);
    expectClose(got.EffectiveCost, want.EffectiveCost);
    const totals = await store.lineTotals(filter);
    expectClose(totals.effectiveCost, want.EffectiveCost);
  });

  it("uses the newest registered price version per line, or the one asked for", async () => {
    const repriced = data.lines
      .filter((l) => l.RegionId === "ams")
      .map((l) => ({
        ...l,
        x_PriceVersion: "pv-2",
        ListCost: l.ListCost * 2,
        EffectiveCost: l.EffectiveCost * 2,
        x_EnergyCost: l.x_EnergyCost * 2,
        x_GpuTimeCost: l.x_GpuTimeCost * 2,
      }));
    await store.putPriceVersion({
      version: "pv-2025-06",
      createdMs: Date.UTC(2025, 5, 1),
      book: { gpu_hour: 2.1 },
      note: "agent",
    });
    await store.putPriceVersion({
      version: "pv-2",
      createdMs: Date.UTC(2025, 6, 1),
      book: { gpu_hour: 4.2 },
      note: "repriced",
    });
    await store.ingest({ agentId: "repricer", bootId: "r", seq: 1, lines: repriced, readings: [] });
    const all = await sums(await exportTo("pv-default.csv", "csv"), [
      "EffectiveCost",
      "x_GenerationTokens",
    ]);
    const want = lineSums(data.lines);
    const amsEff = lineSums(data.lines.filter((l) => l.RegionId === "ams")).EffectiveCost;
    expectClose(all.x_GenerationTokens, want.x_GenerationTokens);
    expectClose(all.EffectiveCost, want.EffectiveCost + amsEff);
    const old = await sums(await exportTo("pv-old.csv", "csv", { priceVersion: "pv-2025-06" }), [
      "EffectiveCost",
    ]);
    expectClose(old.EffectiveCost, want.EffectiveCost);
    const only2 = await sums(await exportTo("pv-2.csv", "csv", { priceVersion: "pv-2" }), [
      "EffectiveCost",
    ]);
    expectClose(only2.EffectiveCost, 2 * amsEff);
  });
});

describe.skipIf(!haveModel)("FOCUS check on broken exports", () => {
  async function broken(name: string, select: string): Promise<Map<string, string>> {
    const good = await exportTo(`${name}-src.csv`, "csv");
    const out = join(dir, `${name}.csv`);
    const h = await openDuckDb(":memory:");
    try {
      await h.connection.run(
        `COPY (SELECT ${select} FROM read_csv('${good}', all_varchar = true, allow_quoted_nulls = false)) TO '${out}' (FORMAT csv, HEADER true)`,
      );
    } finally {
      h.connection.closeSync();
      h.instance.closeSync();
    }
    const r = await checkFocus(out, { modelPath });
    if (!r.ok) throw r.error;
    expect(r.report.ok).toBe(false);
    return new Map(r.report.results.map((x) => [x.ruleId, x.status]));
  }

  it("names the presence rule when a mandatory column is missing", async () => {
    const s = await broken("no-account-name", `* EXCLUDE ("BillingAccountName")`);
    expect(s.get("CostAndUsage-D-005-M")).toBe("fail");
  });

  it("names the date/time rules for a bad date format", async () => {
    const s = await broken(
      "bad-date",
      `* REPLACE (replace(replace("ChargePeriodStart", 'T', ' '), 'Z', '') AS "ChargePeriodStart")`,
    );
    expect(s.get("ChargePeriodStart-C-002-M")).toBe("fail");
    expect(s.get("DateTimeFormat-A-006-M")).toBe("fail");
  });

  it("names the ListCost rule when ListCost ≠ ListUnitPrice × PricingQuantity", async () => {
    const s = await broken(
      "bad-cost",
      `* REPLACE (CAST(CAST("ListCost" AS DOUBLE) * 1.5 + 0.01 AS VARCHAR) AS "ListCost")`,
    );
    expect(s.get("ListUnitPrice-C-010-C")).toBe("fail");
  });

  it("names the x_ prefix rule for a custom column without it", async () => {
    const s = await broken("no-prefix", `*, 'x' AS "Workload"`);
    expect(s.get("ColumnHandling-A-010-M")).toBe("fail");
  });
});
