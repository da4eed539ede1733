/**
 * Across metros: two collectors (fra, ams), each its own ClickHouseStore, write to one
 * ClickHouse database while each metro's agents ship to their own collector. One ams agent
 * fails over to the fra collector mid-stream and resends the batches whose acks it lost, so
 * those lines reach the database through both collectors. Every query over the shared
 * database must equal the sum of the same query over each metro alone (reference databases
 * that got each metro's lines exactly once), and no line may count twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClickHouseStore } from "../../collector/store/clickhouse/store.js";
import {
  type AggregateRow,
  type IngestBatch,
  type LineTotals,
  QUERY_DIMENSIONS,
  ROLLUP_DIMENSIONS,
  type RollupRow,
  type Store,
} from "../../collector/store/types.js";
import {
  CLICKHOUSE_URL,
  clickHouseMissing,
  dropDatabase,
  testDatabase,
} from "../helpers/clickhouse.js";
import { expectedTotals, expectTotalsClose } from "../helpers/store-contract.js";
import { generateUsage, toBatches } from "../helpers/usage-lines.js";

const skip = clickHouseMissing("metros");

const data = generateUsage({ seed: 7, agents: 6, gpusPerAgent: 2, windows: 120 });
const batches = toBatches(data, 40);
const metroOf = (b: IngestBatch) => b.lines[0].RegionId;
/** The ams agent that fails over to fra after its batch FAILOVER_AT. */
const MOVER = batches.find((b) => metroOf(b) === "ams")!.agentId;
const FAILOVER_AT = 3;
/** Batches it sent to ams whose acks were lost: resent to fra. */
const UNACKED = [2, 3];

const addTotals = (a: LineTotals, b: LineTotals): LineTotals => {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof LineTotals)[]) out[k] = a[k] + b[k];
  return out;
};

function rollupMap(rows: readonly RollupRow[]): Map<string, LineTotals> {
  const out = new Map<string, LineTotals>();
  for (const { hour, currency, priceVersion, keys, ...totals } of rows) {
    const id = `${hour}|${currency}|${priceVersion}|${JSON.stringify(keys)}`;
    const prev = out.get(id);
    out.set(id, prev === undefined ? totals : addTotals(prev, totals));
  }
  return out;
}

function aggregateMap(rows: readonly AggregateRow[]): Map<string, LineTotals> {
  const out = new Map<string, LineTotals>();
  for (const { keys, totals } of rows) {
    const { usageFacilityEnergyJ: _u, ...t } = totals;
    const id = JSON.stringify(keys);
    const prev = out.get(id);
    out.set(id, prev === undefined ? t : addTotals(prev, t));
  }
  return out;
}

function expectSameMaps(shared: Map<string, LineTotals>, sum: Map<string, LineTotals>): void {
  expect([...shared.keys()].sort()).toEqual([...sum.keys()].sort());
  for (const [id, t] of shared) expectTotalsClose(t, sum.get(id)!);
}

describe.skipIf(skip)("two metros writing to one ClickHouse", () => {
  const sharedDb = testDatabase("metros");
  const soloDb = { fra: testDatabase("fra"), ams: testDatabase("ams") };
  // The body runs at collection even when skipped: no URL, no store (its constructor checks it).
  const open = (database: string, collector: string) =>
    skip
      ? (undefined as unknown as ClickHouseStore)
      : new ClickHouseStore({ url: CLICKHOUSE_URL, database, collector });
  const collector = { fra: open(sharedDb, "fra"), ams: open(sharedDb, "ams") };
  const solo = { fra: open(soloDb.fra, "fra-solo"), ams: open(soloDb.ams, "ams-solo") };
  const all: Store[] = [collector.fra, collector.ams, solo.fra, solo.ams];

  beforeAll(async () => {
    await Promise.all(all.map((s) => s.start()));
    // The reference: each metro's lines once, in its own database.
    const reference = (async () => {
      for (const b of batches) await solo[metroOf(b) as "fra" | "ams"].ingest(b);
    })();
    // The metros ship in parallel, each agent to its metro's collector, except the mover.
    const ship = async (metro: "fra" | "ams") => {
      for (const b of batches) {
        if (metroOf(b) !== metro) continue;
        if (b.agentId !== MOVER) await collector[metro].ingest(b);
        else if (b.seq <= FAILOVER_AT) await collector.ams.ingest(b);
      }
    };
    await Promise.all([ship("fra"), ship("ams")]);
    for (const b of batches) {
      if (b.agentId !== MOVER) continue;
      if (UNACKED.includes(b.seq) || b.seq > FAILOVER_AT) await collector.fra.ingest(b);
    }
    await reference;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(all.map((s) => s.shutdown()));
    await Promise.all([sharedDb, soloDb.fra, soloDb.ams].map(dropDatabase));
  });

  it("the failover really sent lines through both collectors", () => {
    const moved = batches.filter((b) => b.agentId === MOVER);
    expect(moved.length).toBeGreaterThan(FAILOVER_AT + 1);
    expect(new Set(data.lines.map((l) => l.RegionId))).toEqual(new Set(["fra", "ams"]));
  });

  it("totals over both equal the sum of each, every line once", async () => {
    const both = await collector.fra.lineTotals();
    expect(both.lines).toBe(data.lines.length);
    expectTotalsClose(both, expectedTotals(data.lines));
    expectTotalsClose(both, addTotals(await solo.fra.lineTotals(), await solo.ams.lineTotals()));
    expectTotalsClose(await collector.ams.lineTotals(), both);
    for (const metro of ["fra", "ams"] as const) {
      expectTotalsClose(await collector.fra.lineTotals({ metro }), await solo[metro].lineTotals());
    }
    const filter = { from: "2025-06-01T06:30:00Z", to: "2025-06-01T07:45:00Z", tenant: "acme" };
    expectTotalsClose(
      await collector.ams.lineTotals(filter),
      addTotals(await solo.fra.lineTotals(filter), await solo.ams.lineTotals(filter)),
    );
  });

  it("every rollup dimension over both equals the sum of each", async () => {
    for (const d of [...ROLLUP_DIMENSIONS.map((x) => [x]), [...ROLLUP_DIMENSIONS]] as const) {
      const q = { by: d };
      expectSameMaps(
        rollupMap(await collector.fra.rollup(q)),
        rollupMap([...(await solo.fra.rollup(q)), ...(await solo.ams.rollup(q))]),
      );
    }
  });

  it("every query-API dimension over both equals the sum of each", async () => {
    for (const d of QUERY_DIMENSIONS) {
      for (const filter of [{}, { lane: "sovereign" }, { tenant: "acme", model: "BAAI/bge-m3" }]) {
        const query = { filter, by: [d] };
        expectSameMaps(
          aggregateMap(await collector.ams.aggregate(query)),
          aggregateMap([
            ...(await solo.fra.aggregate(query)),
            ...(await solo.ams.aggregate(query)),
          ]),
        );
      }
    }
  });

  it("agent state is whole across the failover", async () => {
    const agents = await collector.fra.agents();
    const mover = agents.find((a) => a.agentId === MOVER)!;
    const moved = batches.filter((b) => b.agentId === MOVER);
    expect(mover).toMatchObject({ lastSeq: moved.length, gaps: [] });
    expect(mover.batches).toBe(moved.length + UNACKED.length);
    // Lines the receipts count as inserted add up to the lines stored: none twice.
    expect(agents.reduce((s, a) => s + a.lines, 0)).toBe(data.lines.length);
  });
});
