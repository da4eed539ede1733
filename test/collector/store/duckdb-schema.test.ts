/**
 * The split schema (facts + label tuples behind views): a store written by the version-1
 * layout (wide tables) or the version-2 one (every token row in token_facts) is upgraded on
 * open without losing or duplicating a row, and the rollup deltas appended by each commit
 * are compacted on shutdown without changing a sum.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDuckDb } from "../../../collector/store/duckdb/driver.js";
import { ROLLUP_RECOMPUTE } from "../../../collector/store/duckdb/ingest-sql.js";
import { SCHEMA_VERSION } from "../../../collector/store/duckdb/schema.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import { expectTotalsClose } from "../../helpers/store-contract.js";
import { generateUsage, toBatches } from "../../helpers/usage-lines.js";

let dir: string;
const path = () => join(dir, "tw.duckdb");
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tw-schema-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const data = generateUsage({ agents: 2, gpusPerAgent: 2, windows: 120 });
const batches = toBatches(data, 97);

async function scalar(store: DuckDbStore, sql: string): Promise<number> {
  return store.withConnection(async (c) => Number((await c.runAndReadAll(sql)).getRowsJS()[0][0]), {
    readOnly: true,
  });
}

/** Rollup cells that differ from a recompute from the lines. */
const ROLLUP_DIFF = `WITH r AS (${ROLLUP_RECOMPUTE})
SELECT count(*) FROM r FULL OUTER JOIN rollup_hourly h
  USING (hour, metro, hall, rack, lane, workload, model, gpu_model, tenant, currency, price_version)
WHERE r.lines IS DISTINCT FROM h.lines
   OR abs(r.effective_cost - h.effective_cost) > 1e-9 * abs(r.effective_cost)`;

/** Rewrites a version-2 file into the version-1 layout (what older tokenwatt wrote). */
async function downgradeToV1(c: DuckDBConnection): Promise<void> {
  for (const sql of [
    "CREATE TABLE usage_lines_w AS SELECT * FROM usage_lines",
    "CREATE TABLE gpu_readings_w AS SELECT * FROM gpu_readings",
    "CREATE TABLE gpu_reading_tokens_w AS SELECT * FROM gpu_reading_tokens",
    "CREATE TABLE rollup_w AS SELECT * FROM rollup_hourly",
    "DROP VIEW usage_lines",
    "DROP VIEW gpu_readings",
    "DROP VIEW gpu_reading_tokens",
    "DROP VIEW rollup_hourly",
    "DROP TABLE rollup_cells",
    ...["line", "reading", "token"].flatMap((t) => [
      `DROP TABLE ${t}_facts`,
      `DROP TABLE ${t}_dims`,
    ]),
    "ALTER TABLE usage_lines_w RENAME TO usage_lines",
    "ALTER TABLE gpu_readings_w RENAME TO gpu_readings",
    "ALTER TABLE gpu_reading_tokens_w RENAME TO gpu_reading_tokens",
    "ALTER TABLE rollup_w RENAME TO rollup_hourly",
    "UPDATE schema_info SET version = 1",
    "CHECKPOINT",
  ]) {
    await c.run(sql);
  }
}

/** Rewrites a version-3 file into the version-2 layout: lines carry no token row. */
async function downgradeToV2(c: DuckDBConnection): Promise<void> {
  for (const sql of [
    `INSERT INTO token_facts SELECT f."ChargePeriodStart", f.token_rdim_id, t.tdim_id,
  f."x_PromptTokens", f."x_CachedTokens", f."x_GenerationTokens", f."x_Requests"
FROM line_facts f JOIN line_dims l ON l.dim_id = f.dim_id
JOIN token_dims t ON t.workload = l."x_Workload" AND t.tenant = l."SubAccountId"
WHERE f.token_rdim_id >= 0`,
    "DROP VIEW gpu_reading_tokens",
    "ALTER TABLE line_facts DROP COLUMN token_rdim_id",
    `CREATE VIEW gpu_reading_tokens AS SELECT r.agent_id, f.window_start, r.gpu_uuid,
  d.workload, d.tenant, f.prompt_tokens, f.cached_tokens, f.generation_tokens, f.requests
FROM token_facts f JOIN token_dims d ON d.tdim_id = f.tdim_id
JOIN reading_dims r ON r.rdim_id = f.rdim_id`,
    "UPDATE schema_info SET version = 2",
    "CHECKPOINT",
  ]) {
    await c.run(sql);
  }
}

/** Shuts `store`, rewrites its file with `downgrade`, and opens it again (upgrading it). */
async function reopenAs(
  store: DuckDbStore,
  downgrade: (c: DuckDBConnection) => Promise<void>,
): Promise<DuckDbStore> {
  await store.shutdown();
  const raw = await openDuckDb(path());
  await downgrade(raw.connection);
  raw.connection.closeSync();
  raw.instance.closeSync();
  const next = new DuckDbStore({ path: path() });
  await next.start();
  return next;
}

/** Every token row the store shows, in one canonical order. */
async function tokenRows(store: DuckDbStore): Promise<unknown[][]> {
  return store.withConnection(
    async (c) =>
      (await c.runAndReadAll("SELECT * FROM gpu_reading_tokens ORDER BY ALL")).getRowsJS(),
    { readOnly: true },
  );
}

describe("DuckDB store schema", () => {
  it("upgrades a version-2 file: its token rows stay, new lines carry theirs, retries dedupe", async () => {
    let store = new DuckDbStore({ path: path() });
    await store.start();
    for (const b of batches.slice(0, 6)) await store.ingest(b);
    const before = await store.lineTotals();
    const tokens = await tokenRows(store);
    // Version 3 stores most token rows in their usage lines.
    expect(
      await scalar(store, "SELECT count(*) FROM line_facts WHERE token_rdim_id >= 0"),
    ).toBeGreaterThan(0);
    store = await reopenAs(store, downgradeToV2);
    try {
      expect(await scalar(store, "SELECT max(version) FROM schema_info")).toBe(SCHEMA_VERSION);
      expect(await scalar(store, "SELECT count(*) FROM line_facts WHERE token_rdim_id >= 0")).toBe(
        0,
      );
      expect(await tokenRows(store)).toEqual(tokens);
      expectTotalsClose(await store.lineTotals(), before);
      for (const b of batches.slice(0, 6)) {
        expect(await store.ingest(b)).toMatchObject({ inserted: 0, readingsInserted: 0 });
      }
      expect(await tokenRows(store)).toEqual(tokens);
      for (const b of batches.slice(6)) await store.ingest(b);
      expect((await store.lineTotals()).lines).toBe(data.lines.length);
      expect(
        await scalar(store, "SELECT count(*) FROM line_facts WHERE token_rdim_id >= 0"),
      ).toBeGreaterThan(0);
      const all = data.readings.reduce((n, r) => n + r.tokens.length, 0);
      expect(await scalar(store, "SELECT count(*) FROM gpu_reading_tokens")).toBe(all);
    } finally {
      await store.shutdown();
    }
  });

  it("upgrades a version-1 file: same lines, readings, rollup; retries still dedupe", async () => {
    let store = new DuckDbStore({ path: path() });
    await store.start();
    for (const b of batches.slice(0, 6)) await store.ingest(b);
    const before = await store.lineTotals();
    const readings = await scalar(store, "SELECT count(*) FROM gpu_reading_tokens");
    store = await reopenAs(store, downgradeToV1);
    try {
      expect(await scalar(store, "SELECT max(version) FROM schema_info")).toBe(SCHEMA_VERSION);
      // Same lines; sums to rounding (the upgrade stores them in another order).
      expectTotalsClose(await store.lineTotals(), before);
      expect(await scalar(store, "SELECT count(*) FROM gpu_reading_tokens")).toBe(readings);
      expect(await scalar(store, ROLLUP_DIFF)).toBe(0);
      // The same batches again: every line is already stored; the rest is new.
      for (const b of batches.slice(0, 6)) {
        expect(await store.ingest(b)).toMatchObject({ inserted: 0 });
      }
      for (const b of batches.slice(6)) await store.ingest(b);
      expect((await store.lineTotals()).lines).toBe(data.lines.length);
      expect(await scalar(store, ROLLUP_DIFF)).toBe(0);
    } finally {
      await store.shutdown();
    }
  });

  it("refuses a file from a newer tokenwatt, naming the versions", async () => {
    const store = new DuckDbStore({ path: path() });
    await store.start();
    await store.withConnection((c) => c.run("UPDATE schema_info SET version = 99"));
    await store.shutdown();
    const next = new DuckDbStore({ path: path() });
    await expect(next.start()).rejects.toThrow(
      new RegExp(`schema version 99, newer than this tokenwatt \\(${SCHEMA_VERSION}\\)`),
    );
    await next.shutdown();
  });

  it("compacts the rollup deltas on shutdown; sums unchanged", async () => {
    let store = new DuckDbStore({ path: path() });
    await store.start();
    // Small batches: many commits touch the same hours, each appending its own delta rows.
    for (const b of batches) await store.ingest(b);
    const cells = await scalar(store, "SELECT count(*) FROM rollup_hourly");
    expect(await scalar(store, "SELECT count(*) FROM rollup_cells")).toBeGreaterThan(cells);
    expect(await scalar(store, ROLLUP_DIFF)).toBe(0);
    await store.shutdown();
    store = new DuckDbStore({ path: path() });
    await store.start();
    try {
      expect(await scalar(store, "SELECT count(*) FROM rollup_cells")).toBe(cells);
      expect(await scalar(store, ROLLUP_DIFF)).toBe(0);
    } finally {
      await store.shutdown();
    }
  });
});
