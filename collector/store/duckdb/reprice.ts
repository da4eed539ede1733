/**
 * Re-pricing on the DuckDB store: read a range's readings as columns, write the kernel's
 * lines back under a new price version with the range recorded as done in the same
 * transaction. See reprice-sql.ts for the tables involved.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBMaterializedResult } from "@duckdb/node-api";
import { newReadingChunk } from "../reading-columns.js";
import type { ReadingChunk, RepricedLines, RepriceTarget, TimeRangeS } from "../types.js";
import { appendColumns, type Column, type Driver, withAppender } from "./chunk-writer.js";
import { sqlString } from "./driver.js";
import { timestampLiteral } from "./ingest-sql.js";
import { type ParquetColumn, writeParquet } from "./parquet-file.js";
import { type LabelCombos, labelCombos, type RollupCells, rollupCells } from "./reprice-cells.js";
import {
  countIn,
  FILE_COMBO,
  FILE_END,
  FILE_START,
  INSERT_NEW_LABELS,
  insertLinesFromFile,
  OUT_COLUMNS,
  REPRICE_SETUP,
  ROLLUP_OUT,
  ROLLUP_REPRICED,
  readingsQuery,
  SELECT_CODES,
  selectCombos,
  selectModels,
  tokensQuery,
} from "./reprice-sql.js";
import { LINES, READINGS } from "./schema.js";
import { type NumericArray, readVector } from "./vector-io.js";

/** Creates the progress table and the output stage (idempotent, per connection). */
export async function setupReprice(c: DuckDBConnection): Promise<void> {
  for (const sql of REPRICE_SETUP) await c.run(sql);
}

/**
 * Copies a materialized result into typed columns, one per result column. The result is
 * complete in memory (DuckDB produced it on its threads), so its chunks are read here
 * without a round trip each.
 */
function readColumns(result: DuckDBMaterializedResult, columns: NumericArray[]): void {
  let offset = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const rows = chunk.rowCount;
    for (let i = 0; i < columns.length; i++)
      readVector(chunk.getColumnVector(i), columns[i], offset, rows);
    offset += rows;
  }
}

async function count(c: DuckDBConnection, sql: string): Promise<number> {
  return Number((await c.runAndReadAll(sql)).getRowsJS()[0][0]);
}

export async function readReadingChunk(
  c: DuckDBConnection,
  range: TimeRangeS,
): Promise<ReadingChunk> {
  const { fromS, toS } = range;
  await c.run("BEGIN TRANSACTION");
  try {
    for (const sql of SELECT_CODES) await c.run(sql);
    const { chunk, agent, rdim } = await readReadings(c, range);
    const tokens = await readTokens(c, fromS, toS);
    await c.run("COMMIT");
    chunk.handle = new LabelIds(rdim, attachTokens(chunk, agent, rdim, tokens));
    return chunk;
  } catch (error) {
    await c.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * The readings of `range`, with per reading its agent code and label id (with the window
 * start, a reading's key and order).
 */
async function readReadings(c: DuckDBConnection, range: TimeRangeS) {
  const result = await c.run(readingsQuery(range.fromS, range.toS));
  const n = result.rowCount;
  const agent = new Int32Array(n);
  const rdim = new Int32Array(n);
  const chunk: ReadingChunk = newReadingChunk(range, n, undefined);
  readColumns(result, [
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
  return { chunk, agent, rdim };
}

/** Token rows as read, each with its reading's key. */
interface TokenRows {
  count: number;
  startS: Float64Array;
  agent: Int32Array;
  rdim: Int32Array;
  tdim: Int32Array;
  prompt: Float64Array;
  cached: Float64Array;
  gen: Float64Array;
  requests: Float64Array;
}

async function readTokens(c: DuckDBConnection, fromS: number, toS: number): Promise<TokenRows> {
  const result = await c.run(tokensQuery(fromS, toS));
  const m = result.rowCount;
  const t: TokenRows = {
    count: m,
    startS: new Float64Array(m),
    agent: new Int32Array(m),
    rdim: new Int32Array(m),
    tdim: new Int32Array(m),
    prompt: new Float64Array(m),
    cached: new Float64Array(m),
    gen: new Float64Array(m),
    requests: new Float64Array(m),
  };
  readColumns(result, [t.startS, t.agent, t.rdim, t.tdim, t.prompt, t.cached, t.gen, t.requests]);
  return t;
}

/**
 * Matches token rows to readings by one merge pass (both are in (window start, agent,
 * label id) order) and sets them on the chunk; a token row without its reading is left
 * out, as a join would. Returns the kept rows' token label ids.
 */
function attachTokens(
  chunk: ReadingChunk,
  agent: Int32Array,
  rdim: Int32Array,
  rows: TokenRows,
): Int32Array {
  const n = chunk.count;
  const start = chunk.windowStartS;
  const reading = new Int32Array(rows.count);
  let kept = 0;
  let j = 0;
  for (let k = 0; k < rows.count; k++) {
    const s = rows.startS[k];
    const a = rows.agent[k];
    const d = rows.rdim[k];
    while (
      j < n &&
      (start[j] < s || (start[j] === s && (agent[j] < a || (agent[j] === a && rdim[j] < d))))
    )
      j++;
    if (j === n || start[j] !== s || agent[j] !== a || rdim[j] !== d) continue;
    reading[kept] = j;
    if (kept !== k) {
      rows.tdim[kept] = rows.tdim[k];
      rows.prompt[kept] = rows.prompt[k];
      rows.cached[kept] = rows.cached[k];
      rows.gen[kept] = rows.gen[k];
      rows.requests[kept] = rows.requests[k];
    }
    kept++;
  }
  const t = chunk.tokens;
  t.count = kept;
  t.reading = reading.subarray(0, kept);
  t.prompt = rows.prompt.subarray(0, kept);
  t.cached = rows.cached.subarray(0, kept);
  t.gen = rows.gen.subarray(0, kept);
  t.requests = rows.requests.subarray(0, kept);
  return rows.tdim.subarray(0, kept);
}

/**
 * A chunk's handle: its label ids per reading and per token row. Ids, not temp tables, so
 * the next chunk can be read (on another connection) before this one is written.
 */
class LabelIds {
  constructor(
    readonly rdim: Int32Array,
    readonly tdim: Int32Array,
  ) {}
}

/** Per line its window (epoch µs) and its label combination (reprice-cells.ts). */
function lineKeys(chunk: ReadingChunk, lines: RepricedLines) {
  const ids = chunk.handle;
  if (!(ids instanceof LabelIds)) throw new Error("chunk was not read by a DuckDB store");
  const n = lines.count;
  const startUs = new Float64Array(n);
  const endUs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = lines.reading[i];
    startUs[i] = Math.round(chunk.windowStartS[r] * 1e6);
    endUs[i] = startUs[i] + Math.round(chunk.windowS[r] * 1e6);
  }
  return { startUs, endUs, combos: labelCombos(lines, ids.rdim, ids.tdim) };
}

/**
 * Lines → line_facts (with new label tuples) and rollup cells, the range → reprice_ranges, in
 * one transaction. The facts go through a Parquet file in `scratchDir` (parquet-file.ts), so
 * DuckDB inserts them on its own threads; the label combinations (a few per GPU) and the
 * rollup cells go through the appender. The SQL runs as one script: a chunk's write needs
 * this thread for a few moments only, so pricing the next chunk here does not hold it up
 * between statements.
 */
export async function writeRepricedLines(
  driver: Driver,
  c: DuckDBConnection,
  chunk: ReadingChunk,
  lines: RepricedLines,
  target: RepriceTarget,
  nowMs: number,
  scratchDir: string,
): Promise<number> {
  const { fromS, toS } = chunk.range;
  const n = lines.count;
  const { startUs, endUs, combos } = lineKeys(chunk, lines);
  const comboCount = combos.rdim.length;
  const cells = rollupCells(
    startUs,
    combos.combo,
    comboCount,
    ROLLUP_OUT.map((k) => lines.columns[k]),
  );
  await c.run("TRUNCATE rp_combo_in; TRUNCATE rp_rollup_in");
  await withAppender(
    c,
    "rp_combo_in",
    (a) => appendColumns(driver, a, comboColumns(combos), comboCount),
    true,
  );
  await withAppender(
    c,
    "rp_rollup_in",
    (a) => appendColumns(driver, a, cellColumns(cells), cells.count),
    true,
  );
  const file = join(scratchDir, `lines-${fromS}-${toS}.parquet`);
  const script = [
    selectModels(fromS, toS),
    "BEGIN TRANSACTION",
    selectCombos(target.currency, target.version),
    INSERT_NEW_LABELS,
    "SELECT nextval('ingest_ids')",
  ];
  if (n > 0) {
    writeParquet(
      file,
      [
        { name: FILE_START, type: "DOUBLE", values: startUs },
        { name: FILE_END, type: "DOUBLE", values: endUs },
        { name: FILE_COMBO, type: "INT32", values: combos.combo },
        ...OUT_COLUMNS.map(
          ([k]): ParquetColumn => ({
            name: k,
            type: "DOUBLE",
            values: lines.columns[k],
          }),
        ),
      ],
      n,
    );
    script.push(insertLinesFromFile(file, nowMs), ROLLUP_REPRICED);
  }
  script.push(
    `INSERT INTO reprice_ranges VALUES (${sqlString(target.version)}, ${fromS}, ${toS}, ${chunk.count}, ${n}, ${timestampLiteral(nowMs / 1000)})`,
    "COMMIT",
  );
  try {
    await c.run(script.join(";\n"));
    return n;
  } catch (error) {
    await c.run("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    rmSync(file, { force: true });
  }
}

/** rp_combo_in rows: combination index, reading label id, token label id, kind. */
function comboColumns(combos: LabelCombos): Column[] {
  return [
    { type: "INTEGER", values: Int32Array.from(combos.rdim.keys()) },
    { type: "INTEGER", values: combos.rdim },
    { type: "INTEGER", values: combos.tdim },
    { type: "INTEGER", values: combos.kind },
  ];
}

/** rp_rollup_in rows. */
function cellColumns(cells: RollupCells): Column[] {
  return [
    { type: "TIMESTAMP", values: cells.hourUs },
    { type: "INTEGER", values: cells.combo },
    { type: "BIGINT", values: cells.lines },
    ...cells.sums.map((values): Column => ({ type: "DOUBLE", values })),
  ];
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
  return count(c, countIn(READINGS.facts, range.fromS, range.toS));
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
