/**
 * ClickHouse-specific behaviour beyond the shared contract: copies of a key in unmerged parts
 * (what a failover race leaves) count once in every read, the earliest copy wins, several
 * collectors on one database, parity with the DuckDB store (queries and re-pricing).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parsePriceBook } from "../../../collector/reprice/price-book.js";
import { reprice } from "../../../collector/reprice/reprice.js";
import { LINE_COLUMNS } from "../../../collector/store/clickhouse/schema.js";
import { ClickHouseStore } from "../../../collector/store/clickhouse/store.js";
import { createStore } from "../../../collector/store/create-store.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type { RollupRow, Store } from "../../../collector/store/types.js";
import { loadWasmKernel } from "../../../kernel/src/wasm-kernel.js";
import {
  CLICKHOUSE_URL,
  chExec,
  chSelect,
  clickHouseMissing,
  dropDatabase,
  testDatabase,
} from "../../helpers/clickhouse.js";
import {
  CONTRACT_DATA,
  expectedTotals,
  expectTotalsClose,
  sumRollup,
} from "../../helpers/store-contract.js";
import { toBatches } from "../../helpers/usage-lines.js";

const skip = clickHouseMissing("clickhouse-store");
const data = CONTRACT_DATA;
const dir = mkdtempSync(join(tmpdir(), "tw-ch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rawCount(db: string, table: string): Promise<number> {
  const [r] = await chSelect<{ n: string }>(`SELECT count() AS n FROM ${db}.${table}`);
  return Number(r.n);
}

describe.skipIf(skip)("ClickHouseStore", () => {
  let db: string;
  let store: ClickHouseStore;

  beforeEach(async () => {
    db = testDatabase("store");
    store = new ClickHouseStore({ url: CLICKHOUSE_URL, database: db, collector: "c1" });
    await store.start();
  });

  afterEach(async () => {
    await store.shutdown();
    await dropDatabase(db);
  });

  it("counts copies in unmerged parts once, in every read", async () => {
    await chExec(`SYSTEM STOP MERGES ${db}.usage_lines`, `SYSTEM STOP MERGES ${db}.gpu_readings`);
    for (const b of toBatches(data, 1000)) await store.ingest(b);
    // What two collectors racing on the same batches leave: whole copies in new parts, one
    // of them ingested later (lower rank) with different values, which must lose.
    await chExec(
      `INSERT INTO ${db}.usage_lines SELECT * FROM ${db}.usage_lines`,
      `INSERT INTO ${db}.gpu_readings SELECT * FROM ${db}.gpu_readings`,
    );
    // An earlier-stored copy with other values (it wins) and a later one (it loses).
    const copy = (scale: number, rank: string) => {
      const cols = LINE_COLUMNS.map((c) => c.name);
      const exprs = cols.map((c) =>
        c === "EffectiveCost" || c === "x_GpuEnergyJ" ? `${c} * ${scale}` : c,
      );
      return `INSERT INTO ${db}.usage_lines (${cols.join(", ")}, keep_rank)
        SELECT ${exprs.join(", ")}, ${rank} FROM ${db}.usage_lines WHERE x_Collector = 'c1'`;
    };
    await chExec(copy(10, "keep_rank + 1"), copy(100, "keep_rank - 1000000"));
    expect(await rawCount(db, "usage_lines")).toBe(data.lines.length * 6);
    const [parts] = await chSelect<{ n: string }>(
      `SELECT count() AS n FROM system.parts WHERE database = '${db}' AND table = 'usage_lines' AND active`,
    );
    expect(Number(parts.n)).toBeGreaterThan(1);
    const want = expectedTotals(
      data.lines.map((l) => ({
        ...l,
        EffectiveCost: l.EffectiveCost * 10,
        x_GpuEnergyJ: l.x_GpuEnergyJ * 10,
      })),
    );
    expectTotalsClose(await store.lineTotals(), want);
    expectTotalsClose(await store.lineTotals({ priceVersion: "pv-2025-06" }), want);
    expectTotalsClose(sumRollup(await store.rollup({ by: ["metro", "tenant"] })), want);
    const agg = await store.aggregate({ filter: {}, by: ["workload"] });
    expect(agg.reduce((s, r) => s + r.totals.lines, 0)).toBe(data.lines.length);
    expect(agg.reduce((s, r) => s + r.totals.effectiveCost, 0)).toBeCloseTo(want.effectiveCost, 6);
    expect(await store.countReadings({ fromS: 0, toS: 2 ** 32 })).toBe(data.readings.length);
    // A new ingest sees the keys as stored, whichever part holds them.
    expect((await store.ingest(toBatches(data, 1000)[0])).inserted).toBe(0);
    // After the merges the copies are gone and the answers are the same.
    await chExec(`SYSTEM START MERGES ${db}.usage_lines`, `OPTIMIZE TABLE ${db}.usage_lines FINAL`);
    expect(await rawCount(db, "usage_lines")).toBe(data.lines.length);
    expectTotalsClose(await store.lineTotals(), want);
  });

  it("keeps the earliest stored copy of a key, also against a later different copy", async () => {
    const line = data.lines[0];
    await store.ingest({ agentId: "a", bootId: "b", seq: 1, lines: [line], readings: [] });
    const changed = { ...line, EffectiveCost: line.EffectiveCost + 1 };
    const other = new ClickHouseStore({ url: CLICKHOUSE_URL, database: db, collector: "c2" });
    await other.start();
    try {
      expect(
        (await other.ingest({ agentId: "a", bootId: "b", seq: 2, lines: [changed], readings: [] }))
          .inserted,
      ).toBe(0);
    } finally {
      await other.shutdown();
    }
    expect((await store.lineTotals()).effectiveCost).toBeCloseTo(line.EffectiveCost, 12);
    const [row] = await chSelect<{ c: string }>(
      `SELECT x_Collector AS c FROM ${db}.usage_lines FINAL`,
    );
    expect(row.c).toBe("c1");
  });

  it("several collectors on one database: concurrent start, racing ingests, one count", async () => {
    const stores = [0, 1, 2].map(
      (i) => new ClickHouseStore({ url: CLICKHOUSE_URL, database: db, collector: `c${i}` }),
    );
    await Promise.all(stores.map((s) => s.start()));
    try {
      const batches = toBatches(data, 300);
      // Every batch goes to two collectors at once (an agent retrying on another collector).
      const results = await Promise.all(
        batches.flatMap((b, i) => [stores[i % 3].ingest(b), stores[(i + 1) % 3].ingest(b)]),
      );
      const inserted = results.reduce((s, r) => s + r.inserted, 0);
      expect(inserted).toBeGreaterThanOrEqual(data.lines.length);
      for (const s of [...stores, store]) {
        expectTotalsClose(await s.lineTotals(), expectedTotals(data.lines));
      }
      const agents = await store.agents();
      expect(agents.map((a) => a.agentId).sort()).toEqual(
        [...new Set(data.lines.map((l) => l.x_AgentId))].sort(),
      );
      for (const a of agents) {
        expect(a.gaps).toEqual([]);
        expect(a.batches).toBe(2 * batches.filter((b) => b.agentId === a.agentId).length);
      }
    } finally {
      await Promise.all(stores.map((s) => s.shutdown()));
    }
  });

  it("refuses to open on an unreachable server, without leaking credentials", async () => {
    const bad = new ClickHouseStore({
      url: "http://127.0.0.1:1",
      username: "u",
      password: "s3cret-pw",
      database: db,
      requestTimeoutMs: 2000,
    });
    const error = await bad.start().then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(error?.code).toBe("TW_ERR_STORE_OPEN");
    expect(error?.message).toContain("127.0.0.1:1");
    expect(error?.message).not.toContain("s3cret");
    expect(() => new ClickHouseStore({ url: CLICKHOUSE_URL, database: "x-y" })).toThrow(
      /TW_ERR_STORE_OPEN/,
    );
  });

  it.skipIf(process.env.TOKENWATT_CLICKHOUSE_AUTH === undefined)(
    "createStore connects with username and password_file",
    async () => {
      const [user, password] = (process.env.TOKENWATT_CLICKHOUSE_AUTH ?? ":").split(":");
      const file = join(dir, "ch.pass");
      writeFileSync(file, `${password}\n`);
      const s = await createStore({
        kind: "clickhouse",
        url: CLICKHOUSE_URL,
        database: db,
        username: user,
        password_file: file,
      });
      await s.start();
      try {
        expect((await s.lineTotals()).lines).toBe(0);
      } finally {
        await s.shutdown();
      }
      writeFileSync(file, "wrong\n");
      const denied = await createStore({
        kind: "clickhouse",
        url: CLICKHOUSE_URL,
        database: db,
        username: user,
        password_file: file,
      });
      await expect(denied.start()).rejects.toMatchObject({ code: "TW_ERR_STORE_OPEN" });
    },
  );
});

const BOOK = `
currency: EUR
timezone: Europe/Berlin
energy_schedule:
  - { from: "07:00", to: "22:00", per_kwh: 0.30 }
  - { from: "22:00", to: "07:00", per_kwh: 0.10 }
gpu_hour: 3.0
lane_discount: { reserved: 0.25 }
carbon_g_per_kwh: 400
embodied_g_per_gpu_hour: 30
`;

describe.skipIf(skip)("ClickHouseStore and DuckDbStore give the same answers", () => {
  const db = testDatabase("parity");
  // The body runs at collection even when skipped: no URL, no store (its constructor checks it).
  const ch = skip
    ? (undefined as unknown as ClickHouseStore)
    : new ClickHouseStore({ url: CLICKHOUSE_URL, database: db });
  const duck = new DuckDbStore({ path: join(dir, "parity.duckdb") });
  const stores: [string, Store][] = [
    ["clickhouse", ch],
    ["duckdb", duck],
  ];

  beforeAll(async () => {
    for (const [, s] of stores) {
      await s.start();
      for (const b of toBatches(data, 700)) await s.ingest(b);
    }
  });

  afterAll(async () => {
    for (const [, s] of stores) await s.shutdown();
    await dropDatabase(db);
  });

  const sortRows = (rows: RollupRow[]) =>
    rows
      .map((r) => ({ ...r, id: `${r.hour}|${r.priceVersion}|${JSON.stringify(r.keys)}` }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));

  it("rollups and aggregates agree row by row", async () => {
    const q = { by: ["metro", "lane", "workload", "tenant"] as const, metro: "fra" };
    const [a, b] = [sortRows(await ch.rollup(q)), sortRows(await duck.rollup(q))];
    expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
    for (let i = 0; i < a.length; i++) {
      const { keys: _k, hour: _h, currency: _c, priceVersion: _p, id: _i, ...ta } = a[i];
      const { keys: _k2, hour: _h2, currency: _c2, priceVersion: _p2, id: _i2, ...tb } = b[i];
      expectTotalsClose(ta, tb);
    }
    const aq = { filter: { tenant: "acme" }, by: ["model", "sovereigntyZone"] as const };
    const [x, y] = [await ch.aggregate(aq), await duck.aggregate(aq)];
    expect(x.map((r) => r.keys)).toEqual(y.map((r) => r.keys));
    x.forEach((r, i) => {
      expect(r.totals.lines).toBe(y[i].totals.lines);
      expect(r.totals.effectiveCost).toBeCloseTo(y[i].totals.effectiveCost, 9);
    });
    expect(await ch.agents()).toEqual(
      (await duck.agents()).map((a) => ({ ...a, lastSeenMs: expect.any(Number) })),
    );
  });

  it("re-pricing writes the same lines, and a rerun writes none", async () => {
    const kernel = loadWasmKernel();
    const book = parsePriceBook(BOOK, "book.yaml");
    const range = {
      fromS: Date.UTC(2025, 5, 1, 6, 0, 0) / 1000,
      toS: Date.UTC(2025, 5, 1, 9) / 1000,
    };
    const results = [];
    for (const [, s] of stores) {
      const r = await reprice({
        store: s,
        kernel,
        book,
        range,
        version: "pv-new",
        readingsPerChunk: 200,
      });
      expect(r.ok, r.ok ? "" : r.error.message).toBe(true);
      results.push(r);
    }
    const [rc, rd] = results;
    expect(rc.ok && rd.ok && rc.lines).toBe(rd.ok && rd.lines);
    expectTotalsClose(
      await ch.lineTotals({ priceVersion: "pv-new" }),
      await duck.lineTotals({ priceVersion: "pv-new" }),
    );
    expectTotalsClose(await ch.lineTotals(), await duck.lineTotals());
    const again = await reprice({ store: ch, kernel, book, range, version: "pv-new" });
    expect(again.ok && again.lines).toBe(0);
    // A lost range record (crash between the two writes) redoes the range, storing nothing twice.
    await chExec(`TRUNCATE TABLE ${db}.reprice_ranges`);
    const redo = await reprice({ store: ch, kernel, book, range, version: "pv-new" });
    expect(redo.ok && redo.lines).toBe(0);
    expect((await ch.lineTotals({ priceVersion: "pv-new" })).lines).toBe(rc.ok ? rc.lines : -1);
  });
});
