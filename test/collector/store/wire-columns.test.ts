import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StageOutcome, transferables } from "../../../collector/ingest/stage.js";
import { type Prepared, prepare } from "../../../collector/store/duckdb/prepare.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import { linesToColumns, readingsToColumns } from "../../../collector/store/duckdb/to-columns.js";
import { wireLinesToColumns } from "../../../collector/store/duckdb/wire-columns.js";
import { wireReadingsToColumns } from "../../../collector/store/duckdb/wire-readings.js";
import type {
  GpuReadingRow,
  ReadingSite,
  StoredUsageLine,
} from "../../../collector/store/types.js";
import type { GpuReading } from "../../../wire/gpu-reading.js";
import { columnsOf } from "../../helpers/line-columns.js";
import { generateUsage } from "../../helpers/usage-lines.js";

const usage = generateUsage({ agents: 1, gpusPerAgent: 4, windows: 40 });
// The wire carries no x_Model: compare with lines that have none.
const lines: StoredUsageLine[] = usage.lines
  .sort((a, b) => a.ChargePeriodStart.localeCompare(b.ChargePeriodStart))
  .map(({ x_Model: _, ...l }) => l);
const readingRows = usage.readings;
/** The rows as the wire decoder gives them: no agent, no site. */
const wireReadings: GpuReading[] = readingRows.map(
  ({ agentId: _a, metro: _m, hall: _h, rack: _r, lane: _l, sovereigntyZone: _z, ...g }) => g,
);
const site = (r: GpuReadingRow): ReadingSite => ({
  metro: r.metro,
  hall: r.hall,
  rack: r.rack,
  lane: r.lane,
  sovereigntyZone: r.sovereigntyZone,
});

const keepEvery = (n: number, k: number) =>
  Uint8Array.from({ length: n }, (_, i) => +(i % k !== 0));
const kept = (keep: Uint8Array) => keep.reduce((s, x) => s + x, 0);

describe("wireLinesToColumns", () => {
  it("yields what linesToColumns yields for the kept lines", () => {
    const keep = keepEvery(lines.length, 3);
    const got = wireLinesToColumns(columnsOf(lines), keep, kept(keep));
    const want = linesToColumns(lines.filter((_, i) => keep[i] === 1));
    expect(got.rowCount).toBe(want.rowCount);
    expect(got.timeUs).toEqual(want.timeUs);
    expect(got.columns).toEqual(want.columns);
    expect(got.labels).toEqual(want.labels);
    // A few dozen label tuples stand for the rows' fourteen strings each.
    expect(got.labels.count).toBeLessThan(got.rowCount / 5);
    const all = new Uint8Array(lines.length).fill(1);
    const whole = wireLinesToColumns(columnsOf(lines), all, lines.length);
    expect(whole.timeUs).toEqual(linesToColumns(lines).timeUs);
    expect(whole.columns).toEqual(linesToColumns(lines).columns);
    expect(whole.labels).toEqual(linesToColumns(lines).labels);
  });

  it("refuses inconsistent keep flags and non-finite numbers", () => {
    const cols = columnsOf(lines.slice(0, 4));
    expect(() => wireLinesToColumns(cols, new Uint8Array(4).fill(1), 3)).toThrow(/keep/);
    cols.numbers.x_CarbonG[2] = Number.NaN;
    expect(() => wireLinesToColumns(cols, new Uint8Array(4).fill(1), 4)).toThrow(
      /TW_ERR_STORE_BATCH.*row 2, x_CarbonG/,
    );
  });
});

/** A prepared batch as a stage worker hands it over: cloned, its typed arrays moved. */
function handedOver(p: Prepared): Prepared {
  const outcome: StageOutcome = {
    kind: "staged",
    rejected: [],
    readingsRejected: [],
    batch: { form: "prepared", value: p },
  };
  const moved = structuredClone(outcome, { transfer: transferables(outcome) });
  expect(p.lines.timeUs.buffer.byteLength).toBe(0); // moved, not copied
  if (moved.kind !== "staged" || moved.batch.form !== "prepared") throw new Error("shape");
  return moved.batch.value;
}

describe("wireReadingsToColumns", () => {
  it("yields what readingsToColumns yields for the kept readings given the batch's agent and site", () => {
    const keep = keepEvery(wireReadings.length, 4);
    const agentId = readingRows[0].agentId;
    const got = wireReadingsToColumns(agentId, {
      rows: wireReadings,
      keep,
      site: site(readingRows[0]),
    });
    const want = readingsToColumns(readingRows.filter((_, i) => keep[i] === 1));
    expect(got.tokenCount).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });
});

describe("DuckDbStore.ingestPrepared", () => {
  let dir: string;
  let store: DuckDbStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tw-wire-cols-"));
    store = new DuckDbStore({ path: join(dir, "tw.duckdb") });
    await store.start();
  });
  afterEach(async () => {
    await store.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores the kept rows and dedupes against object batches in the same commit", async () => {
    const agentId = lines[0].x_AgentId;
    const head = { agentId, bootId: "b1" };
    const first = lines.slice(0, 100);
    const keep = keepEvery(first.length, 10);
    const readings = {
      rows: wireReadings.slice(0, 40),
      keep: new Uint8Array(40).fill(1),
      site: site(readingRows[0]),
    };
    const columns = (seq: number) =>
      prepare({ ...head, seq, lines: columnsOf(first), keep, kept: kept(keep), readings });
    const results = await Promise.all([
      store.ingestPrepared(handedOver(columns(1))),
      store.ingest({
        ...head,
        seq: 2,
        lines: lines.slice(0, 150),
        readings: readingRows.slice(0, 60),
      }),
    ]);
    expect(results.map((r) => [r.inserted, r.duplicates])).toEqual([
      [90, 0],
      [60, 90],
    ]);
    expect(results.map((r) => [r.readingsInserted, r.readingsDuplicates])).toEqual([
      [40, 0],
      [20, 40],
    ]);
    expect((await store.lineTotals()).lines).toBe(150);
    const again = await store.ingestPrepared(handedOver(columns(3)));
    expect([again.inserted, again.duplicates]).toEqual([0, 90]);
  });
});
