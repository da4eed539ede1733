/**
 * Re-pricing on the DuckDB store: read a range's readings as columns, write the kernel's
 * lines back under a new price version with the range recorded as done in the same
 * transaction. See reprice-sql.ts for the tables involved.
 */
import type { DuckDBConnection, DuckDBResult } from "@duckdb/node-api";
import { newReadingChunk } from "../reading-columns.js";
import type { ReadingChunk, RepricedLines, RepriceTarget, TimeRangeS } from "../types.js";
import { appendColumns, type Column, type Driver, withAppender } from "./chunk-writer.js";
import { timestampLiteral } from "./ingest-sql.js";
import {
  INSERT_NEW_LABELS,
  OUT_COLUMNS,
  READ_READINGS,
  READ_TOKENS,
  REPRICE_SETUP,
  ROLLUP_OUT,
  ROLLUP_REPRICED,
  selectCombos,
  selectModels,
  selectReadings,
} from "./reprice-sql.js";
import { LINES, READINGS } from "./schema.js";
import { type NumericArray, readVector } from "./vector-io.js";

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
  const rdim = new Int32Array(n);
  const chunk: ReadingChunk = newReadingChunk(range, n, range);
  await readColumns(await c.run(READ_READINGS), [
    agent,
    chunk.lane,
    rdim,
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
  const tdim = new Int32Array(m);
  await readColumns(await c.run(READ_TOKENS), [
    t.reading,
    tdim,
    t.prompt,
    t.cached,
    t.gen,
    t.requests,
  ]);
  labelIds.set(chunk, { rdim, tdim });
  return chunk;
}

/** Label ids of a chunk read by readReadingChunk: per reading, per token row. */
const labelIds = new WeakMap<ReadingChunk, { rdim: Int32Array; tdim: Int32Array }>();

/**
 * The kernel's lines as rp_out rows (times, label combination, numbers) and their distinct
 * label combinations (reading labels × token labels × kind) as rp_combo_in rows.
 */
function outputColumns(chunk: ReadingChunk, lines: RepricedLines) {
  const ids = labelIds.get(chunk);
  if (ids === undefined) throw new Error("chunk was not read by this store");
  const n = lines.count;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const combo = new Int32Array(n);
  const combos = new Map<number, number>();
  const cRdim: number[] = [];
  const cTdim: number[] = [];
  const cKind: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = lines.reading[i];
    const kind = lines.kind[i];
    const rdim = ids.rdim[r];
    const tdim = kind === 0 ? ids.tdim[lines.source[i]] : -1;
    // Exact while ids stay below 2^31 (rdim) and 2^20 (tdim): a collision needs 2^53.
    const key = (rdim * 2_097_152 + (tdim + 1)) * 2 + kind;
    let k = combos.get(key);
    if (k === undefined) {
      k = cRdim.length;
      combos.set(key, k);
      cRdim.push(rdim);
      cTdim.push(tdim);
      cKind.push(kind);
    }
    combo[i] = k;
    start[i] = Math.round(chunk.windowStartS[r] * 1e6);
    end[i] = start[i] + Math.round(chunk.windowS[r] * 1e6);
  }
  const out: Column[] = [
    { type: "TIMESTAMP", values: start },
    { type: "TIMESTAMP", values: end },
    { type: "INTEGER", values: combo },
    ...OUT_COLUMNS.map(([k]): Column => ({ type: "DOUBLE", values: lines.columns[k] })),
  ];
  const comboIn: Column[] = [
    { type: "INTEGER", values: Int32Array.from(cRdim.keys()) },
    { type: "INTEGER", values: Int32Array.from(cRdim) },
    { type: "INTEGER", values: Int32Array.from(cTdim) },
    { type: "INTEGER", values: Int32Array.from(cKind) },
  ];
  return { out, comboIn, combos: cRdim.length };
}

async function append(
  driver: Driver,
  c: DuckDBConnection,
  table: string,
  columns: Column[],
  n: number,
): Promise<void> {
  await c.run(`DELETE FROM ${table}`);
  await withAppender(c, table, (a) => appendColumns(driver, a, columns, n), true);
}

/** Per line its line label id, from the label combination's (`comboDim`). */
function lineDims(combo: Int32Array, comboDim: Int32Array): Int32Array {
  const out = new Int32Array(combo.length);
  for (let i = 0; i < combo.length; i++) out[i] = comboDim[combo[i]];
  return out;
}

/**
 * Lines → line_facts (with new label tuples) and rollup cells, the range → reprice_ranges, in
 * one transaction. The facts are appended from the kernel's arrays directly (one copy); only
 * the label combinations (a few per GPU) go through SQL.
 */
export async function writeRepricedLines(
  driver: Driver,
  c: DuckDBConnection,
  chunk: ReadingChunk,
  lines: RepricedLines,
  target: RepriceTarget,
  nowMs: number,
): Promise<number> {
  const { fromS, toS } = chunk.range;
  const { out, comboIn, combos } = outputColumns(chunk, lines);
  const n = lines.count;
  await append(driver, c, "rp_combo_in", comboIn, combos);
  await c.run(selectModels(fromS, toS));
  await c.run("BEGIN TRANSACTION");
  try {
    const id = Number((await c.runAndReadAll("SELECT nextval('ingest_ids')")).getRowsJS()[0][0]);
    await c.run(selectCombos(), [target.currency, target.version]);
    await c.run(INSERT_NEW_LABELS);
    const comboDim = new Int32Array(combos);
    for (const [k, dim] of (
      await c.runAndReadAll("SELECT combo, dim_id FROM rp_combos")
    ).getRowsJS())
      comboDim[Number(k)] = Number(dim);
    const [start, end, combo, ...numbers] = out;
    const facts: Column[] = [
      start,
      end,
      { type: "INTEGER", values: lineDims(combo.values as Int32Array, comboDim) },
      ...numbers,
      { type: "BIGINT", values: new Float64Array(n).fill(id) },
      { type: "TIMESTAMP", values: new Float64Array(n).fill(nowMs * 1000) },
    ];
    await withAppender(c, LINES.facts, (a) => appendColumns(driver, a, facts, n));
    const cells = rollupCells(start.values as Float64Array, combo.values as Int32Array, lines);
    await append(driver, c, "rp_rollup_in", cells.columns, cells.count);
    if (n > 0) await c.run(ROLLUP_REPRICED);
    await c.run(
      `INSERT INTO reprice_ranges VALUES ($1, $2, $3, $4, $5, ${timestampLiteral(nowMs / 1000)})`,
      [target.version, fromS, toS, chunk.count, n],
    );
    await c.run("COMMIT");
    return n;
  } catch (error) {
    await c.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

const HOUR_US = 3_600_000_000;

/** The lines summed by hour × label combination, as rp_rollup_in columns. */
function rollupCells(startUs: Float64Array, combo: Int32Array, lines: RepricedLines) {
  const cells = new Map<number, number>();
  const hour: number[] = [];
  const comboOf: number[] = [];
  const counts: number[] = [];
  const measures = ROLLUP_OUT.map((k) => lines.columns[k]);
  const sums: number[][] = measures.map(() => []);
  for (let i = 0; i < lines.count; i++) {
    const h = Math.floor(startUs[i] / HOUR_US);
    // Hours since 1970 stay below 2^20 for a millennium; combos below 2^32.
    const key = combo[i] * 1_048_576 + h;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = hour.length;
      cells.set(key, cell);
      hour.push(h * HOUR_US);
      comboOf.push(combo[i]);
      counts.push(0);
      for (const s of sums) s.push(0);
    }
    counts[cell]++;
    for (let m = 0; m < measures.length; m++) sums[m][cell] += measures[m][i];
  }
  const columns: Column[] = [
    { type: "TIMESTAMP", values: Float64Array.from(hour) },
    { type: "INTEGER", values: Int32Array.from(comboOf) },
    { type: "BIGINT", values: Float64Array.from(counts) },
    ...sums.map((s): Column => ({ type: "DOUBLE", values: Float64Array.from(s) })),
  ];
  return { columns, count: hour.length };
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
  const sql = `SELECT count(*) FROM ${READINGS.facts} WHERE window_start >= ${timestampLiteral(range.fromS)} AND window_start < ${timestampLiteral(range.toS)}`;
  return Number((await c.runAndReadAll(sql)).getRowsJS()[0][0]);
}

export async function hasLinesOfVersion(c: DuckDBConnection, version: string): Promise<boolean> {
  const rows =
    // A label tuple is stored only with lines (no line is ever deleted).
    (
      await c.runAndReadAll(`SELECT 1 FROM ${LINES.dims} WHERE "x_PriceVersion" = $1 LIMIT 1`, [
        version,
      ])
    ).getRowsJS();
  return rows.length > 0;
}
