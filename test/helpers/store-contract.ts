/**
 * The Store contract, run against every store (DuckDB, ClickHouse): dedupe, rollups, filters,
 * price-version selection, agent state, readings, refusal of malformed batches, lifecycle.
 * Expected values are computed in JS from the generated lines, never from the store.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  IngestBatch,
  LineTotals,
  RollupRow,
  Store,
  StoredUsageLine,
} from "../../collector/store/types.js";
import { generateUsage, sumField, toBatches } from "./usage-lines.js";

export interface StoreHarness {
  open(): Promise<Store>;
  /** Removes what `open` created (after the store was shut down). */
  cleanup(): Promise<void>;
}

export const CONTRACT_DATA = generateUsage({ agents: 3, gpusPerAgent: 2, windows: 150 });

export function batchOf(lines: StoredUsageLine[], seq: number, agentId = "a"): IngestBatch {
  return { agentId, bootId: "b1", seq, lines, readings: [] };
}

/** Line totals computed in JS. */
export function expectedTotals(lines: readonly StoredUsageLine[]): LineTotals {
  return {
    lines: lines.length,
    gpuEnergyJ: sumField(lines, "x_GpuEnergyJ"),
    idleEnergyJ: sumField(lines, "x_IdleEnergyJ"),
    hostEnergyJ: sumField(lines, "x_HostEnergyJ"),
    facilityEnergyJ: sumField(lines, "x_FacilityEnergyJ"),
    gpuSeconds: sumField(lines, "x_GpuSeconds"),
    promptTokens: sumField(lines, "x_PromptTokens"),
    cachedTokens: sumField(lines, "x_CachedTokens"),
    generationTokens: sumField(lines, "x_GenerationTokens"),
    requests: sumField(lines, "x_Requests"),
    energyCost: sumField(lines, "x_EnergyCost"),
    gpuTimeCost: sumField(lines, "x_GpuTimeCost"),
    listCost: sumField(lines, "ListCost"),
    effectiveCost: sumField(lines, "EffectiveCost"),
    carbonG: sumField(lines, "x_CarbonG"),
  };
}

/** Totals equal to 1e-9 relative (sums in a different order differ in the last bits). */
export function expectTotalsClose(actual: LineTotals, expected: LineTotals): void {
  expect(actual.lines).toBe(expected.lines);
  for (const k of Object.keys(expected) as (keyof LineTotals)[]) {
    const tol = 1e-9 * Math.max(1, Math.abs(expected[k]));
    if (Math.abs(actual[k] - expected[k]) > tol) {
      expect.fail(`${k}: ${actual[k]} != ${expected[k]}`);
    }
  }
}

/** Sum of the rollup rows' totals. */
export function sumRollup(rows: readonly RollupRow[]): LineTotals {
  const t = expectedTotals([]);
  for (const r of rows) {
    for (const k of Object.keys(t) as (keyof LineTotals)[]) t[k] += r[k];
  }
  return t;
}

export function storeContract(name: string, harness: StoreHarness): void {
  describe(`${name}: Store contract`, () => {
    let store: Store;
    const data = CONTRACT_DATA;

    beforeEach(async () => {
      store = await harness.open();
      await store.start();
    });

    afterEach(async () => {
      await store.shutdown();
      await harness.cleanup();
    });

    it("stores a batch once when it arrives twice", async () => {
      const batch = batchOf(data.lines.slice(0, 500), 1);
      expect(await store.ingest(batch)).toMatchObject({ inserted: 500, duplicates: 0 });
      expect(await store.ingest(batch)).toMatchObject({ inserted: 0, duplicates: 500 });
      expectTotalsClose(await store.lineTotals(), expectedTotals(batch.lines));
      expectTotalsClose(sumRollup(await store.rollup({ by: [] })), expectedTotals(batch.lines));
    });

    it("dedupes overlapping batches and copies inside one batch", async () => {
      const a = data.lines.slice(0, 400);
      const b = data.lines.slice(300, 700);
      expect((await store.ingest(batchOf(a, 1))).inserted).toBe(400);
      expect(await store.ingest(batchOf(b, 2))).toMatchObject({ inserted: 300, duplicates: 100 });
      const within = [...data.lines.slice(700, 750), ...data.lines.slice(700, 750)];
      expect(await store.ingest(batchOf(within, 3))).toMatchObject({
        inserted: 50,
        duplicates: 50,
      });
      expectTotalsClose(await store.lineTotals(), expectedTotals(data.lines.slice(0, 750)));
    });

    it("keeps rollups equal to the lines when late lines arrive", async () => {
      const late = data.lines.filter((_, i) => i % 7 === 0);
      const early = data.lines.filter((_, i) => i % 7 !== 0);
      for (let i = 0; i < early.length; i += 1000) {
        await store.ingest(batchOf(early.slice(i, i + 1000), i / 1000 + 1));
      }
      await store.ingest(batchOf(late, 100));
      const byMetro = await store.rollup({ by: ["metro"] });
      expectTotalsClose(sumRollup(byMetro), expectedTotals(data.lines));
      for (const metro of ["fra", "ams"]) {
        const mine = byMetro.filter((r) => r.keys.metro === metro);
        expectTotalsClose(
          sumRollup(mine),
          expectedTotals(data.lines.filter((l) => l.RegionId === metro)),
        );
      }
      const fine = await store.rollup({
        by: ["metro", "hall", "rack", "lane", "workload", "model", "gpuModel", "tenant"],
      });
      expectTotalsClose(sumRollup(fine), expectedTotals(data.lines));
      const hours = new Set(fine.map((r) => r.hour));
      expect([...hours].sort()).toEqual([
        "2025-06-01T06:00:00Z",
        "2025-06-01T07:00:00Z",
        "2025-06-01T08:00:00Z",
      ]);
      const key = (r: RollupRow) => `${r.hour}|${JSON.stringify(r.keys)}|${r.priceVersion}`;
      expect(new Set(fine.map(key)).size).toBe(fine.length);
    });

    it("filters by time, metro and tenant (to exclusive; rollups by hour)", async () => {
      for (const b of toBatches(data, 1000)) await store.ingest(b);
      const from = "2025-06-01T06:30:00Z";
      const to = "2025-06-01T08:00:00Z";
      const inRange = (l: StoredUsageLine) =>
        l.ChargePeriodStart >= from && l.ChargePeriodStart < to;
      expectTotalsClose(
        await store.lineTotals({ from, to, metro: "fra", tenant: "acme" }),
        expectedTotals(
          data.lines.filter((l) => inRange(l) && l.RegionId === "fra" && l.SubAccountId === "acme"),
        ),
      );
      // Rollup rows are hours: `from` 06:30 admits hours from 07:00 on.
      const hourly = await store.rollup({ by: ["tenant"], from, to, tenant: "globex" });
      expect(hourly.every((r) => r.hour === "2025-06-01T07:00:00Z")).toBe(true);
      expectTotalsClose(
        sumRollup(hourly),
        expectedTotals(
          data.lines.filter(
            (l) => l.ChargePeriodStart.startsWith("2025-06-01T07") && l.SubAccountId === "globex",
          ),
        ),
      );
      await expect(store.lineTotals({ from: "2025-06-01 06:00:00" })).rejects.toMatchObject({
        code: "TW_ERR_STORE_QUERY",
      });
    });

    it("counts each natural key once under its newest registered price version", async () => {
      const base = data.lines.slice(0, 600);
      const repriced = base.map((l) => ({
        ...l,
        x_PriceVersion: "pv-b",
        EffectiveCost: l.EffectiveCost * 2,
        ListCost: l.ListCost * 2,
      }));
      await store.ingest(batchOf(base, 1));
      await store.ingest(batchOf(repriced, 2));
      // Unregistered versions rank by name: pv-b wins over pv-2025-06.
      expectTotalsClose(await store.lineTotals(), expectedTotals(repriced));
      await store.putPriceVersion({ version: "pv-b", createdMs: 1000, book: { a: 1 }, note: "" });
      await store.putPriceVersion({
        version: "pv-2025-06",
        createdMs: 2000,
        book: { energy: [0.18, 0.09] },
        note: "newer",
      });
      expectTotalsClose(await store.lineTotals(), expectedTotals(base));
      expectTotalsClose(await store.lineTotals({ priceVersion: "pv-b" }), expectedTotals(repriced));
      const rows = await store.rollup({ by: [] });
      expect(new Set(rows.map((r) => r.priceVersion))).toEqual(new Set(["pv-b", "pv-2025-06"]));
      expectTotalsClose(
        sumRollup(rows.filter((r) => r.priceVersion === "pv-b")),
        expectedTotals(repriced),
      );
      // A put of an existing version replaces it.
      await store.putPriceVersion({ version: "pv-b", createdMs: 3000, book: { a: 2 }, note: "x" });
      const versions = await store.priceVersions();
      expect(versions).toEqual([
        { version: "pv-2025-06", createdMs: 2000, book: { energy: [0.18, 0.09] }, note: "newer" },
        { version: "pv-b", createdMs: 3000, book: { a: 2 }, note: "x" },
      ]);
      expectTotalsClose(await store.lineTotals(), expectedTotals(repriced));
      expect(await store.hasLinesOfVersion("pv-b")).toBe(true);
      expect(await store.hasLinesOfVersion("pv-none")).toBe(false);
    });

    it("aggregates the current lines by any dimension", async () => {
      for (const b of toBatches(data, 1000)) await store.ingest(b);
      const rows = await store.aggregate({ filter: { metro: "fra" }, by: ["tenant", "lane"] });
      const fra = data.lines.filter((l) => l.RegionId === "fra");
      for (const r of rows) {
        const mine = fra.filter(
          (l) => l.SubAccountId === r.keys.tenant && l.x_Lane === r.keys.lane,
        );
        expect(mine.length).toBeGreaterThan(0);
        const { usageFacilityEnergyJ, ...totals } = r.totals;
        expectTotalsClose(totals, expectedTotals(mine));
        expect(usageFacilityEnergyJ).toBeCloseTo(
          sumField(
            mine.filter((l) => l.x_LineKind === "usage"),
            "x_FacilityEnergyJ",
          ),
          6,
        );
      }
      expect(rows.reduce((s, r) => s + r.totals.lines, 0)).toBe(fra.length);
      const lane = await store.aggregate({ filter: { lane: "sovereign" }, by: [] });
      expect(lane[0].totals.lines).toBe(data.lines.filter((l) => l.x_Lane === "sovereign").length);
    });

    it("tracks sequence gaps per agent and closes them when the batch arrives", async () => {
      const l = data.lines;
      await store.ingest(batchOf(l.slice(0, 10), 1));
      await store.ingest(batchOf(l.slice(10, 20), 4));
      let [agent] = await store.agents();
      expect(agent).toMatchObject({
        agentId: "a",
        bootId: "b1",
        lastSeq: 4,
        batches: 2,
        lines: 20,
      });
      expect(agent.gaps).toEqual([{ fromSeq: 2, toSeq: 3 }]);
      await store.ingest(batchOf(l.slice(20, 30), 2));
      [agent] = await store.agents();
      expect(agent.gaps).toEqual([{ fromSeq: 3, toSeq: 3 }]);
      await store.ingest({
        ...batchOf(l.slice(30, 40), 1),
        bootId: "b2",
        site: { metro: "fra", hall: "fra2" },
      });
      [agent] = await store.agents();
      expect(agent).toMatchObject({ bootId: "b2", lastSeq: 1, gaps: [], batches: 4, lines: 40 });
      expect(agent.site).toEqual({ metro: "fra", hall: "fra2" });
    });

    it("stores readings and their token rows once", async () => {
      const batches = toBatches(data, 1000);
      let readings = 0;
      for (const b of batches) readings += (await store.ingest(b)).readingsInserted;
      expect(readings).toBe(data.readings.length);
      const again = await store.ingest(batches[0]);
      expect(again.readingsInserted).toBe(0);
      expect(again.readingsDuplicates).toBe(batches[0].readings.length);
      expect(await store.countReadings({ fromS: 0, toS: 2 ** 32 })).toBe(data.readings.length);
      const start = Date.UTC(2025, 5, 1, 6, 0, 0) / 1000;
      const chunk = await store.readReadingChunk({ fromS: start, toS: start + 600 });
      expect(chunk.count).toBe(data.readings.filter((r) => r.windowStartS < start + 600).length);
      let gen = 0;
      for (let i = 0; i < chunk.tokens.count; i++) gen += chunk.tokens.gen[i];
      const want = data.lines
        .filter((l) => Date.parse(l.ChargePeriodStart) / 1000 < start + 600)
        .reduce((s, l) => s + l.x_GenerationTokens, 0);
      expect(gen).toBeCloseTo(want, 6);
    });

    it("refuses a malformed batch whole", async () => {
      const bad = { ...data.lines[0], ChargePeriodStart: "2025-06-01 06:00:00" };
      await expect(store.ingest(batchOf([data.lines[1], bad], 1))).rejects.toMatchObject({
        code: "TW_ERR_STORE_BATCH",
      });
      const nan = { ...data.lines[2], x_GpuEnergyJ: Number.NaN };
      await expect(store.ingest(batchOf([data.lines[1], nan], 1))).rejects.toMatchObject({
        code: "TW_ERR_STORE_BATCH",
      });
      expect((await store.lineTotals()).lines).toBe(0);
      expect(await store.agents()).toEqual([]);
    });

    it("lifecycle: shutdown is idempotent and later calls reject", async () => {
      await store.shutdown();
      await store.shutdown();
      await expect(store.lineTotals()).rejects.toMatchObject({ code: "TW_ERR_STORE_CLOSED" });
      await expect(store.ingest(batchOf(data.lines.slice(0, 1), 1))).rejects.toMatchObject({
        code: "TW_ERR_STORE_CLOSED",
      });
    });
  });
}
