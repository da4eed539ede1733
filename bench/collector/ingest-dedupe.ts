/**
 * Collector ingest: lines/s through DuckDbStore.ingest with 5,000-line batches, and the
 * dedupe choice measured head to head on the same staged rows: primary key + `ON CONFLICT
 * DO NOTHING` versus no key + anti-join (`WHERE NOT EXISTS`) limited to the batch's time range
 * (what the store uses). Prints a table and one JSON line.
 * Run: node_modules/.bin/vite-node bench/collector/ingest-dedupe.ts [batches]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { generateUsage, toBatches } from "../../test/helpers/usage-lines.js";

const nBatches = Number(process.argv[2] ?? 40);
const dir = mkdtempSync(join(tmpdir(), "tw-bench-"));
const data = generateUsage({
  agents: 4,
  gpusPerAgent: 8,
  windows: Math.ceil((nBatches * 5000) / 40),
});
const batches = toBatches(data, 5000).slice(0, nBatches);

async function viaStore(): Promise<{ linesPerS: number; lines: number }> {
  const store = new DuckDbStore({ path: join(dir, "store.duckdb") });
  await store.start();
  let lines = 0;
  const t0 = performance.now();
  for (const b of batches) lines += (await store.ingest(b)).inserted;
  const s = (performance.now() - t0) / 1000;
  await store.shutdown();
  return { linesPerS: lines / s, lines };
}

const KEY = [
  "x_AgentId",
  "ChargePeriodStart",
  "ResourceId",
  "x_Workload",
  "SubAccountId",
  "x_LineKind",
  "x_PriceVersion",
].map((k) => `"${k}"`);

/**
 * Mean ms per 5,000-row insert of each strategy. The source of each round is the batch just
 * stored plus the previous batch's last 500 rows (duplicates to drop), so both tables grow alike.
 */
async function strategies(): Promise<{ pkMs: number; antiJoinMs: number }> {
  const store = new DuckDbStore({ path: join(dir, "strategies.duckdb") });
  await store.start();
  let pkMs = 0;
  let antiMs = 0;
  await store.withConnection(async (c) => {
    await c.run("CREATE TABLE lines_pk AS SELECT * FROM usage_lines WITH NO DATA");
    await c.run(`ALTER TABLE lines_pk ADD PRIMARY KEY (${KEY.join(", ")})`);
    await c.run("CREATE TABLE lines_nokey AS SELECT * FROM usage_lines WITH NO DATA");
  });
  for (const b of batches) {
    const id = (await store.ingest(b)).inserted;
    void id;
    await store.withConnection(async (c) => {
      await c.run(`CREATE OR REPLACE TEMP TABLE src AS
SELECT * FROM usage_lines WHERE x_IngestId >= (SELECT max(x_IngestId) - 1 FROM usage_lines)
ORDER BY x_IngestId DESC LIMIT 5500`);
      let t = performance.now();
      await c.run("INSERT INTO lines_pk SELECT * FROM src ON CONFLICT DO NOTHING");
      pkMs += performance.now() - t;
      t = performance.now();
      const [lo, hi] = (
        await c.runAndReadAll(
          `SELECT CAST(min("ChargePeriodStart") AS VARCHAR), CAST(max("ChargePeriodStart") AS VARCHAR) FROM src`,
        )
      ).getRowsJS()[0] as string[];
      await c.run(`INSERT INTO lines_nokey SELECT * FROM src s WHERE NOT EXISTS (
  SELECT 1 FROM lines_nokey a WHERE a."ChargePeriodStart" BETWEEN TIMESTAMP '${lo}' AND TIMESTAMP '${hi}'
  AND ${KEY.map((k) => `a.${k} = s.${k}`).join(" AND ")})`);
      antiMs += performance.now() - t;
    });
  }
  await store.shutdown();
  return { pkMs: pkMs / batches.length, antiJoinMs: antiMs / batches.length };
}

const throughput = await viaStore();
const s = await strategies();
rmSync(dir, { recursive: true, force: true });
console.table({
  "ingest (full store path)": { value: Math.round(throughput.linesPerS), unit: "lines/s" },
  "PK + ON CONFLICT DO NOTHING": { value: s.pkMs.toFixed(1), unit: "ms / 5k batch" },
  "no key + time-ranged anti-join": { value: s.antiJoinMs.toFixed(1), unit: "ms / 5k batch" },
});
console.log(
  JSON.stringify({
    bench: "collector-ingest-dedupe",
    batches: batches.length,
    ...throughput,
    ...s,
  }),
);
