/**
 * Store-side ingest throughput: DuckDbStore.ingest on a fresh database file, for batches of
 * 100, 1,000 and 5,000 realistic lines (test/helpers/usage-lines.ts, with their GPU readings
 * and token rows), each agent sending its windows in time order as a real agent does. Two
 * modes: one batch in flight, and 8 in flight across agents (what the gRPC server does; the
 * store group-commits them). Reports wall lines/s and process CPU µs per line (all threads:
 * the machine is shared, so CPU per line is the steadier figure), and checks that every
 * line was stored once and the rollup counts them all.
 * Run: node_modules/.bin/vite-node bench/collector/ingest-store.ts [lines per run]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import type { IngestBatch } from "../../collector/store/types.js";
import { type Generated, generateUsage } from "../../test/helpers/usage-lines.js";

const linesPerRun = Number(process.argv[2] ?? 150_000);
const SIZES = [100, 1000, 5000];
const IN_FLIGHT = [1, 8];
const AGENTS = 16;
const GPUS = 8;

/** Per agent, time-ordered batches of `size` lines with the readings of the same span. */
function agentBatches(data: Generated, size: number): IngestBatch[][] {
  const byAgent = new Map<string, Generated>();
  for (const l of data.lines) {
    const g = byAgent.get(l.x_AgentId) ?? { lines: [], readings: [] };
    g.lines.push(l);
    byAgent.set(l.x_AgentId, g);
  }
  for (const r of data.readings) byAgent.get(r.agentId)?.readings.push(r);
  const out: IngestBatch[][] = [];
  for (const [agentId, g] of byAgent) {
    g.lines.sort((a, b) => a.ChargePeriodStart.localeCompare(b.ChargePeriodStart));
    g.readings.sort((a, b) => a.windowStartS - b.windowStartS);
    const batches: IngestBatch[] = [];
    let r = 0;
    for (let i = 0; i < g.lines.length; i += size) {
      const lines = g.lines.slice(i, i + size);
      const last = lines[lines.length - 1].ChargePeriodStart;
      const readings = [];
      // Readings of the windows this batch's lines cover (a window's lines may straddle two).
      while (
        r < g.readings.length &&
        new Date(g.readings[r].windowStartS * 1000).toISOString().replace(".000Z", "Z") <= last
      ) {
        readings.push(g.readings[r++]);
      }
      batches.push({ agentId, bootId: "b1", seq: batches.length + 1, lines, readings });
    }
    out.push(batches);
  }
  return out;
}

/** Batches in arrival order: agents interleaved, each agent's in sequence. */
function interleave(perAgent: IngestBatch[][], lines: number): IngestBatch[] {
  const out: IngestBatch[] = [];
  let total = 0;
  for (let i = 0; total < lines; i++) {
    let any = false;
    for (const batches of perAgent) {
      if (i < batches.length && total < lines) {
        out.push(batches[i]);
        total += batches[i].lines.length;
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

interface Row {
  batch_lines: number;
  in_flight: number;
  lines_per_s: number;
  cpu_us_per_line: number;
  ms_per_batch: number;
}

async function run(batches: IngestBatch[], inFlight: number, dir: string): Promise<Row> {
  const path = join(dir, `b-${batches[0].lines.length}-${inFlight}.duckdb`);
  const store = new DuckDbStore({ path });
  await store.start();
  let inserted = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < batches.length) {
        const result = await store.ingest(batches[next++]);
        inserted += result.inserted;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sent = batches.reduce((s, b) => s + b.lines.length, 0);
  const totals = await store.lineTotals();
  const rolled = (await store.rollup({ by: [] })).reduce((s, r) => s + r.lines, 0);
  await store.shutdown();
  if (inserted !== sent || totals.lines !== sent || rolled !== sent) {
    throw new Error(`stored ${inserted}/${totals.lines}/${rolled} of ${sent} lines`);
  }
  return {
    batch_lines: batches[0].lines.length,
    in_flight: inFlight,
    lines_per_s: Math.round(sent / seconds),
    cpu_us_per_line: Number(((cpu.user + cpu.system) / sent).toFixed(2)),
    ms_per_batch: Number(((seconds * 1000) / batches.length).toFixed(2)),
  };
}

const windows = Math.ceil(linesPerRun / (AGENTS * GPUS * 1.2)) + 10;
const data = generateUsage({ agents: AGENTS, gpusPerAgent: GPUS, windows });
const dir = mkdtempSync(join(tmpdir(), "tw-bench-store-"));
const rows: Row[] = [];
try {
  for (const size of SIZES) {
    const batches = interleave(agentBatches(data, size), linesPerRun);
    for (const inFlight of IN_FLIGHT) rows.push(await run(batches, inFlight, dir));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.table(rows);
console.log(JSON.stringify({ bench: "collector-ingest-store", linesPerRun, rows }));
