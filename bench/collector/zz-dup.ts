import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { generateUsage, toBatches } from "../../test/helpers/usage-lines.js";
const n = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), "tw-prof-"));
const data = generateUsage({ agents: 4, gpusPerAgent: 8, windows: Math.ceil((n * 5000) / 40) });
const batches = toBatches(data, 5000).slice(0, n);
const store = new DuckDbStore({ path: join(dir, "s.duckdb") });
await store.start();
for (const b of batches) await store.ingest(b);
const K = ["x_AgentId", "ChargePeriodStart", "ResourceId", "x_Workload", "SubAccountId", "x_LineKind", "x_PriceVersion"].map((k) => `"${k}"`);
await store.withConnection(async (c) => {
  await c.run("DELETE FROM usage_lines WHERE x_IngestId = (SELECT max(x_IngestId) FROM usage_lines)");
  const [lo, hi] = (await c.runAndReadAll(`SELECT epoch_us(min("ChargePeriodStart")), epoch_us(max("ChargePeriodStart")) FROM stage_line_keys`)).getRowsJS()[0].map(Number);
  const range = `u."ChargePeriodStart" BETWEEN make_timestamp(${lo}) AND make_timestamp(${hi})`;
  const eq = K.map((k) => `u.${k} = s.${k}`).join(" AND ");
  const variants: Record<string, string> = {
    exists: `SELECT s.ord FROM stage_line_keys s WHERE EXISTS (SELECT 1 FROM usage_lines u WHERE ${range} AND ${eq})`,
    semi: `SELECT s.ord FROM stage_line_keys s SEMI JOIN usage_lines u ON ${eq} AND ${range}`,
    inner: `SELECT s.ord FROM stage_line_keys s JOIN (SELECT ${K.join(", ")} FROM usage_lines u WHERE ${range}) u ON ${eq}`,
    count_range: `SELECT count(*) FROM usage_lines u WHERE ${range}`,
    select1: `SELECT 1`,
    two_keys: `SELECT s.ord FROM stage_line_keys s JOIN (SELECT ${K.join(", ")} FROM usage_lines u WHERE ${range}) u ON u."ChargePeriodStart" = s."ChargePeriodStart" AND u."ResourceId" = s."ResourceId" WHERE ${eq}`,
    ts_only: `SELECT s.ord FROM stage_line_keys s JOIN (SELECT ${K.join(", ")} FROM usage_lines u WHERE ${range}) u ON u."ChargePeriodStart" = s."ChargePeriodStart" WHERE ${eq}`,
    hashed: `SELECT s.ord FROM (SELECT ord, hash(${K.join(", ")}) h FROM stage_line_keys) s JOIN (SELECT hash(${K.join(", ")}) h FROM usage_lines u WHERE ${range}) u ON u.h = s.h`,
    scan_only: `SELECT count(*), max(length(x_AgentId)), max(length(ResourceId)), max(length(x_Workload)), max(length(SubAccountId)), max(length(x_LineKind)), max(length(x_PriceVersion)) FROM usage_lines u WHERE ${range}`,
  };
  for (const [name, sql] of Object.entries(variants)) {
    await c.runAndReadAll(sql);
    const t = performance.now();
    let rows = 0;
    for (let i = 0; i < 10; i++) rows = (await c.runAndReadAll(sql)).getRowsJS().length;
    if (name === "count_range") console.log((await c.runAndReadAll(sql)).getRowsJS());
    console.log(name.padEnd(12), ((performance.now() - t) / 10).toFixed(2), "ms", rows);
  }
  for (const th of [1, 2]) {
    await c.run(`SET threads = ${th}`);
    const t = performance.now();
    for (let i = 0; i < 10; i++) await c.runAndReadAll(variants.inner);
    console.log("inner threads", th, ((performance.now() - t) / 10).toFixed(2));
  }
});
await store.shutdown();
rmSync(dir, { recursive: true, force: true });
