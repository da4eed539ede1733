import * as duckdb from "@duckdb/node-api";
import { appendColumns as oldAppend } from "../../collector/store/duckdb/append.js";
import { appendColumns, type Column } from "../../collector/store/duckdb/chunk-writer.js";
import { LINE_COLUMNS, stagingSql } from "../../collector/store/duckdb/schema.js";
import { linesToColumns } from "../../collector/store/duckdb/to-columns.js";
import { generateUsage } from "../../test/helpers/usage-lines.js";
const data = generateUsage({ agents: 4, gpusPerAgent: 8, windows: 200 });
const lines = data.lines.slice(0, 5000);
const inst = await duckdb.DuckDBInstance.create(":memory:");
const c = await inst.connect();
for (const s of stagingSql()) await c.run(s);
await c.run(`CREATE TEMP TABLE st2 (${LINE_COLUMNS.map((x) => `"${x.name}" ${x.type}`).join(", ")})`);
function time(label: string, f: () => unknown, reps = 20) {
  f();
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  console.log(label, ((performance.now() - t) / reps).toFixed(2), "ms");
}
time("linesToColumns", () => linesToColumns(lines));
const cols = linesToColumns(lines);
let tOld = 0;
for (let r = 0; r < 10; r++) {
  await c.run("DELETE FROM stage_lines");
  const t = performance.now();
  await oldAppend(duckdb, c, "stage_lines", LINE_COLUMNS, cols.values, cols.rowCount);
  tOld += performance.now() - t;
}
console.log("old append", (tOld / 10).toFixed(2));
const typed: Column[] = LINE_COLUMNS.map((spec, i) =>
  spec.type === "VARCHAR"
    ? { type: "VARCHAR", values: cols.values[i] as string[] }
    : spec.type === "DOUBLE"
      ? { type: "DOUBLE", values: Float64Array.from(cols.values[i] as number[]) }
      : { type: "TIMESTAMP", values: Float64Array.from(cols.values[i] as number[], (x) => x * 1e6) },
);
let tNew = 0;
for (let r = 0; r < 10; r++) {
  await c.run("DELETE FROM st2");
  const t = performance.now();
  const app = await c.createAppender("st2", null, "temp");
  appendColumns(duckdb, app, typed, 5000);
  app.closeSync();
  tNew += performance.now() - t;
}
console.log("new append", (tNew / 10).toFixed(2));
const chk = await c.runAndReadAll(`SELECT count(*), count(DISTINCT ResourceId), min(ChargePeriodStart)::VARCHAR, max(x_GpuModel), sum(x_GpuEnergyJ) FROM st2`);
console.log(chk.getRowsJS(), lines[0].ChargePeriodStart, lines.reduce((s, l) => s + l.x_GpuEnergyJ, 0));
const a = await c.runAndReadAll(`SELECT * FROM st2 EXCEPT SELECT * EXCLUDE ord REPLACE (make_timestamp(CAST(round("ChargePeriodStart"*1e6) AS BIGINT)) AS "ChargePeriodStart", make_timestamp(CAST(round("ChargePeriodEnd"*1e6) AS BIGINT)) AS "ChargePeriodEnd") FROM stage_lines`);
console.log("diff rows", a.getRowsJS().length);
{
  await c.run("DELETE FROM st2");
  const app = await c.createAppender("st2", null, "temp");
  const t = performance.now();
  for (let r = 0; r < 10; r++) appendColumns(duckdb, app, typed, 5000);
  console.log("no-close x10 avg", ((performance.now() - t) / 10).toFixed(2));
  app.closeSync();
}
await c.run("CREATE TEMP TABLE st3 AS SELECT * FROM st2 LIMIT 0");
{
  const t = performance.now();
  for (let r = 0; r < 10; r++) await c.run("INSERT INTO st3 SELECT * FROM st2 LIMIT 5000");
  console.log("insert-select 5000 avg", ((performance.now() - t) / 10).toFixed(2));
}
