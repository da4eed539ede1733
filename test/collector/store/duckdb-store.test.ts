import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROLLUP_RECOMPUTE } from "../../../collector/store/duckdb/ingest-sql.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type { IngestBatch } from "../../../collector/store/types.js";
import { generateUsage, sumField, toBatches } from "../../helpers/usage-lines.js";

let dir: string;
let store: DuckDbStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tw-store-"));
  store = new DuckDbStore({ path: join(dir, "tw.duckdb") });
  await store.start();
});

afterEach(async () => {
  await store.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const data = generateUsage({ agents: 3, gpusPerAgent: 2, windows: 90 });

function batchOf(lines: IngestBatch["lines"], seq: number, agentId = "a"): IngestBatch {
  return { agentId, bootId: "b1", seq, lines, readings: [] };
}

/** Rollup table equals a recompute from the stored lines (to 1e-9 relative). */
async function expectRollupConsistent(): Promise<void> {
  await store.withConnection(async (c) => {
    const diff = (
      await c.runAndReadAll(`
WITH r AS (${ROLLUP_RECOMPUTE})
SELECT count(*) FROM r FULL OUTER JOIN rollup_hourly h USING (hour, metro, hall, rack, lane, workload, model, gpu_model, tenant, currency, price_version)
WHERE r.lines IS DISTINCT FROM h.lines
   OR abs(r.facility_energy_j - h.facility_energy_j) > 1e-9 * abs(r.facility_energy_j)
   OR abs(r.effective_cost - h.effective_cost) > 1e-9 * abs(r.effective_cost)
   OR abs(r.generation_tokens - h.generation_tokens) > 1e-9 * abs(r.generation_tokens)`)
    ).getRowsJS()[0][0];
    expect(Number(diff)).toBe(0);
  });
}

describe("DuckDbStore ingest", () => {
  it("stores a batch once when it arrives twice", async () => {
    const batch = batchOf(data.lines.slice(0, 500), 1);
    expect(await store.ingest(batch)).toMatchObject({ inserted: 500, duplicates: 0 });
    expect(await store.ingest(batch)).toMatchObject({ inserted: 0, duplicates: 500 });
    const t = await store.lineTotals();
    expect(t.lines).toBe(500);
    expect(t.facilityEnergyJ).toBeCloseTo(sumField(batch.lines, "x_FacilityEnergyJ"), 6);
    await expectRollupConsistent();
  });

  it("dedupes overlapping batches and duplicates inside one batch", async () => {
    const a = data.lines.slice(0, 400);
    const b = data.lines.slice(300, 700);
    expect((await store.ingest(batchOf(a, 1))).inserted).toBe(400);
    expect(await store.ingest(batchOf(b, 2))).toMatchObject({ inserted: 300, duplicates: 100 });
    const within = [...data.lines.slice(700, 750), ...data.lines.slice(700, 750)];
    expect(await store.ingest(batchOf(within, 3))).toMatchObject({ inserted: 50, duplicates: 50 });
    expect((await store.lineTotals()).lines).toBe(750);
    await expectRollupConsistent();
  });

  it("keeps rollups equal to a recompute when late lines arrive", async () => {
    const lines = data.lines;
    const late = lines.filter((_, i) => i % 7 === 0);
    const early = lines.filter((_, i) => i % 7 !== 0);
    for (let i = 0; i < early.length; i += 1000) {
      await store.ingest(batchOf(early.slice(i, i + 1000), i / 1000 + 1));
    }
    const before = await store.rollup({ by: ["metro"] });
    await store.ingest(batchOf(late, 100));
    const after = await store.rollup({ by: ["metro"] });
    const sum = (rows: typeof after) => rows.reduce((s, r) => s + r.generationTokens, 0);
    expect(sum(after) - sum(before)).toBeCloseTo(sumField(late, "x_GenerationTokens"), 3);
    expect(sum(after)).toBeCloseTo(sumField(lines, "x_GenerationTokens"), 3);
    await expectRollupConsistent();
    const byTenant = await store.rollup({ by: ["tenant", "workload"], metro: "fra" });
    expect(
      byTenant.every((r) => r.keys.tenant !== undefined && r.keys.workload !== undefined),
    ).toBe(true);
  });

  it("tracks sequence gaps per agent and closes them when the batch arrives", async () => {
    const l = data.lines;
    await store.ingest(batchOf(l.slice(0, 10), 1));
    await store.ingest(batchOf(l.slice(10, 20), 4));
    let [agent] = await store.agents();
    expect(agent).toMatchObject({ agentId: "a", bootId: "b1", lastSeq: 4, batches: 2, lines: 20 });
    expect(agent.gaps).toEqual([{ fromSeq: 2, toSeq: 3 }]);
    await store.ingest(batchOf(l.slice(20, 30), 2));
    [agent] = await store.agents();
    expect(agent.gaps).toEqual([{ fromSeq: 3, toSeq: 3 }]);
    await store.ingest({ ...batchOf(l.slice(30, 40), 1), bootId: "b2" });
    [agent] = await store.agents();
    expect(agent).toMatchObject({ bootId: "b2", lastSeq: 1, gaps: [] });
  });

  it("updates several stored agents and adds a new one in one commit; a reopen reads them back", async () => {
    const l = data.lines;
    await store.ingest(batchOf(l.slice(0, 10), 1, "a"));
    await store.ingest({ ...batchOf(l.slice(10, 20), 1, "b"), site: { metro: "fra" } });
    // Arriving together while a commit runs: b's, c's and a's batches share the next commit.
    const results = await Promise.all([
      store.ingest(batchOf(l.slice(20, 30), 2, "a")),
      store.ingest(batchOf(l.slice(30, 40), 4, "b")),
      store.ingest(batchOf(l.slice(40, 45), 1, "c")),
      store.ingest(batchOf(l.slice(45, 50), 3, "a")),
    ]);
    expect(results.map((r) => r.inserted)).toEqual([10, 10, 5, 5]);
    const expected = [
      { agentId: "a", bootId: "b1", lastSeq: 3, batches: 3, lines: 25, gaps: [] },
      {
        agentId: "b",
        bootId: "b1",
        lastSeq: 4,
        batches: 2,
        lines: 20,
        gaps: [{ fromSeq: 2, toSeq: 3 }],
        site: { metro: "fra" },
      },
      { agentId: "c", bootId: "b1", lastSeq: 1, batches: 1, lines: 5, gaps: [] },
    ];
    expect(await store.agents()).toMatchObject(expected);
    await store.shutdown();
    store = new DuckDbStore({ path: join(dir, "tw.duckdb") });
    await store.start();
    expect(await store.agents()).toMatchObject(expected);
    // The reopened book continues from the stored rows: b's batch 2 closes part of its gap.
    await store.ingest(batchOf(l.slice(50, 55), 2, "b"));
    const b = (await store.agents()).find((x) => x.agentId === "b");
    expect(b).toMatchObject({ batches: 3, lines: 25, gaps: [{ fromSeq: 3, toSeq: 3 }] });
  });

  it("stores readings and their token counts once", async () => {
    const batches = toBatches(data, 1000);
    let readings = 0;
    for (const b of batches) readings += (await store.ingest(b)).readingsInserted;
    expect(readings).toBe(data.readings.length);
    const again = await store.ingest(batches[0]);
    expect(again.readingsInserted).toBe(0);
    expect(again.readingsDuplicates).toBe(batches[0].readings.length);
    await store.withConnection(async (c) => {
      const r = (
        await c.runAndReadAll("SELECT sum(generation_tokens) FROM gpu_reading_tokens")
      ).getRowsJS();
      expect(Number(r[0][0])).toBeCloseTo(sumField(data.lines, "x_GenerationTokens"), 3);
    });
  });

  it("refuses a malformed batch whole", async () => {
    const bad = { ...data.lines[0], ChargePeriodStart: "2025-06-01 06:00:00" };
    await expect(store.ingest(batchOf([data.lines[1], bad], 1))).rejects.toMatchObject({
      code: "TW_ERR_STORE_BATCH",
    });
    expect((await store.lineTotals()).lines).toBe(0);
  });

  it("lifecycle: shutdown is idempotent and later calls reject", async () => {
    await store.shutdown();
    await store.shutdown();
    await expect(store.lineTotals()).rejects.toMatchObject({ code: "TW_ERR_STORE_CLOSED" });
    const never = new DuckDbStore({ path: join(dir, "never.duckdb") });
    await never.shutdown();
  });
});
