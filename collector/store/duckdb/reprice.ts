/**
 * Re-pricing on the DuckDB store: read a range's readings as columns, write the kernel's
 * lines back under a new price version with the range recorded as done in the same
 * transaction. See reprice-sql.ts for the tables involved.
 */
import type { DuckDBConnection, DuckDBResult } from "@duckdb/node-api";
import { newReadingChunk } from "../reading-columns.js";
import type { ReadingChunk, RepricedLines, RepriceTarget, TimeRangeS } from "../types.js";
import type { DuckDbModule } from "./driver.js";
import { ADD_TO_ROLLUP, timestampLiteral } from "./ingest-sql.js";
import {
  insertRepriced,
  OUT_COLUMNS,
  READ_READINGS,
  READ_TOKENS,
  REPRICE_SETUP,
  selectModels,
  selectReadings,
} from "./reprice-sql.js";
import { type NumericArray, readVector, writeVector } from "./vector-io.js";

const VECTOR_ROWS = 2048;

/** Creates the progress table and the output stage (idempotent, per connection). */
export async function setupReprice(c: DuckDBConnection): Promise<void> {
  for (const sql of REPRICE_SETUP) await c.run(sql);
}

/** Streams a result into typed columns of `n` rows. */
async function readColumns(result: DuckDBResult, columns: NumericArray[]): Promise<void> {
  let offset = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    for (let i = 0; i < columns.length; i++)
      readVector(chunk.getColumnVector(i), columns[i], offset, n);
    offset += n;
  }
}

async function count(c: DuckDBConnection, table: string): Promise<number> {
  return Number((await c.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS()[0][0]);
}

export async function readReadingChunk(
  c: DuckDBConnection,
  range: TimeRangeS,
): Promise<ReadingChunk> {
  for (const sql of selectReadings(range.fromS, range.toS)) await c.run(sql);
  const n = await count(c, "rp_readings");
  const agent = new Int32Array(n);
  const chunk: ReadingChunk = newReadingChunk(range, n, range);
  await readColumns(await c.run(READ_READINGS), [
    agent,
    chunk.lane,
    chunk.windowStartS,
    chunk.windowS,
    chunk.energyJ,
    chunk.coveredS,
    chunk.idleW,
    chunk.hostEnergyJ,
    chunk.facilityEnergyJ,
  ]);
  // A group (one stage-2 window) is a run of one agent's readings of one window start.
  let g = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || agent[i] !== agent[i - 1] || chunk.windowStartS[i] !== chunk.windowStartS[i - 1])
      g++;
    chunk.group[i] = g;
  }
  const m = await count(c, "rp_tokens");
  const t = chunk.tokens;
  t.count = m;
  t.reading = new Int32Array(m);
  t.prompt = new Float64Array(m);
  t.cached = new Float64Array(m);
  t.gen = new Float64Array(m);
  t.requests = new Float64Array(m);
  await readColumns(await c.run(READ_TOKENS), [t.reading, t.prompt, t.cached, t.gen, t.requests]);
  return chunk;
}

async function stageOutput(
  duckdb: DuckDbModule,
  c: DuckDBConnection,
  lines: RepricedLines,
): Promise<void> {
  await c.run("DELETE FROM rp_out");
  if (lines.count === 0) return;
  const types = [
    duckdb.INTEGER,
    duckdb.INTEGER,
    duckdb.UTINYINT,
    ...OUT_COLUMNS.map(() => duckdb.DOUBLE),
  ];
  const sources: NumericArray[] = [
    lines.reading,
    lines.source,
    lines.kind,
    ...OUT_COLUMNS.map(([k]) => lines.columns[k]),
  ];
  const appender = await c.createAppender("rp_out", null, "temp");
  try {
    for (let start = 0; start < lines.count; start += VECTOR_ROWS) {
      const n = Math.min(VECTOR_ROWS, lines.count - start);
      const chunk = duckdb.DuckDBDataChunk.create(types, n);
      for (let i = 0; i < sources.length; i++)
        writeVector(chunk.getColumnVector(i), sources[i], start, n);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Lines → usage_lines and rollups, the range → reprice_ranges, in one transaction. */
export async function writeRepricedLines(
  duckdb: DuckDbModule,
  c: DuckDBConnection,
  chunk: ReadingChunk,
  lines: RepricedLines,
  target: RepriceTarget,
  nowMs: number,
): Promise<number> {
  const { fromS, toS } = chunk.range;
  await stageOutput(duckdb, c, lines);
  await c.run(selectModels(fromS, toS));
  await c.run("BEGIN TRANSACTION");
  try {
    const id = Number((await c.runAndReadAll("SELECT nextval('ingest_ids')")).getRowsJS()[0][0]);
    // Row order in usage_lines carries no meaning; without it DuckDB inserts in parallel.
    await c.run("SET preserve_insertion_order = false");
    const inserted = (
      await c.run(insertRepriced(), [id, nowMs * 1000, target.currency, target.version])
    ).rowsChanged;
    await c.run("RESET preserve_insertion_order");
    if (inserted > 0) await c.run(ADD_TO_ROLLUP, [id]);
    await c.run(
      `INSERT INTO reprice_ranges VALUES ($1, $2, $3, $4, $5, ${timestampLiteral(nowMs / 1000)})`,
      [target.version, fromS, toS, chunk.count, inserted],
    );
    await c.run("COMMIT");
    return inserted;
  } catch (error) {
    await c.run("ROLLBACK").catch(() => undefined);
    await c.run("RESET preserve_insertion_order").catch(() => undefined);
    throw error;
  }
}

export async function repricedRanges(c: DuckDBConnection, version: string): Promise<TimeRangeS[]> {
  const rows = (
    await c.runAndReadAll(
      "SELECT from_s, to_s FROM reprice_ranges WHERE version = $1 ORDER BY from_s",
      [version],
    )
  ).getRowsJS();
  return rows.map((r) => ({ fromS: Number(r[0]), toS: Number(r[1]) }));
}

export async function countReadings(c: DuckDBConnection, range: TimeRangeS): Promise<number> {
  const sql = `SELECT count(*) FROM gpu_readings WHERE window_start >= ${timestampLiteral(range.fromS)} AND window_start < ${timestampLiteral(range.toS)}`;
  return Number((await c.runAndReadAll(sql)).getRowsJS()[0][0]);
}

export async function hasLinesOfVersion(c: DuckDBConnection, version: string): Promise<boolean> {
  const rows = (
    await c.runAndReadAll(`SELECT 1 FROM usage_lines WHERE "x_PriceVersion" = $1 LIMIT 1`, [
      version,
    ])
  ).getRowsJS();
  return rows.length > 0;
}
