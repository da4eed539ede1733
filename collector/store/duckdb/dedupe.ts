/**
 * Exact dedupe of one commit's rows by natural key, in three steps: within the commit in JS
 * on (series id, time) (first occurrence wins: batches in arrival order, rows in batch
 * order); per agent × GPU
 * high-water marks (marks.ts) clear rows newer than anything their agent has stored; the
 * rest, if any, are staged and looked up in DuckDB by full key (ingest-sql.ts).
 */
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import { appendColumns, type Column, type Driver, withAppender } from "./chunk-writer.js";
import { storedDuplicatesSql } from "./ingest-sql.js";
import { labelColumn } from "./label-tuples.js";
import { type Marks, markOf, raiseMark } from "./marks.js";
import type { Columnar } from "./to-columns.js";

/** Per agent × GPU id, the latest time among kept rows. */
export function latest(side: DedupeSide): Marks {
  const out: Marks = new Map();
  side.rows.forEach((rows, b) => {
    const gpu = side.gpu[b];
    const keep = side.keep[b];
    for (let r = 0; r < rows.rowCount; r++) {
      if (keep[r] === 1) raiseMark(out, gpu[r], rows.timeUs[r]);
    }
  });
  return out;
}

/**
 * Per batch, 1 for each row whose key — (series id, time): the natural key, its labels
 * being one series id — no earlier row of the commit has.
 */
export function firstOccurrences(
  series: readonly Int32Array[],
  rows: readonly Columnar[],
): Uint8Array[] {
  const seen = new Map<number, Set<number>>();
  return series.map((ids, b) => {
    const times = rows[b].timeUs;
    const keep = new Uint8Array(ids.length);
    for (let r = 0; r < ids.length; r++) {
      let times_ = seen.get(ids[r]);
      if (times_ === undefined) {
        times_ = new Set();
        seen.set(ids[r], times_);
      }
      if (!times_.has(times[r])) {
        times_.add(times[r]);
        keep[r] = 1;
      }
    }
    return keep;
  });
}

/** Only the rows flagged in `keep` (`kept` of them); the columns themselves when all are. */
export function compact(columns: readonly Column[], keep: Uint8Array, kept: number): Column[] {
  if (kept === keep.length) return [...columns];
  return columns.map((c): Column => {
    if (c.type === "VARCHAR") {
      const out = new Array<string>(kept);
      for (let r = 0, k = 0; r < keep.length; r++) if (keep[r] === 1) out[k++] = c.values[r];
      return { type: "VARCHAR", values: out };
    }
    if (c.type === "INTEGER") {
      const out = new Int32Array(kept);
      for (let r = 0, k = 0; r < keep.length; r++) if (keep[r] === 1) out[k++] = c.values[r];
      return { type: "INTEGER", values: out };
    }
    const out = new Float64Array(kept);
    for (let r = 0, k = 0; r < keep.length; r++) if (keep[r] === 1) out[k++] = c.values[r];
    return { type: c.type, values: out };
  });
}

export function count(flags: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < flags.length; i++) n += flags[i];
  return n;
}

/** One table's side of the dedupe: the rows, their kept flags, their agent × GPU ids. */
export interface DedupeSide {
  rows: readonly Columnar[];
  keep: Uint8Array[];
  /** Per batch, each row's agent × GPU id (catalog.ts). */
  gpu: readonly Int32Array[];
  /** Key columns (logical indices) in the stage table's order (after `ord`). */
  keyColumns: readonly number[];
  /** Logical indices of the label columns, in `rows[b].labels` order. */
  labelColumns: readonly number[];
  stage: string;
}

/** Per batch, 1 for each kept row at or below its agent × GPU mark (it may be stored). */
function suspects(side: DedupeSide, marks: Marks): { flags: Uint8Array[]; total: number } {
  let total = 0;
  const flags = side.rows.map((rows, b) => {
    const gpu = side.gpu[b];
    const keep = side.keep[b];
    const out = new Uint8Array(rows.rowCount);
    for (let r = 0; r < rows.rowCount; r++) {
      if (keep[r] === 1 && rows.timeUs[r] <= markOf(marks, gpu[r])) {
        out[r] = 1;
        total++;
      }
    }
    return out;
  });
  return { flags, total };
}

async function stage(
  driver: Driver,
  c: DuckDBConnection,
  side: DedupeSide,
  flags: Uint8Array[],
): Promise<void> {
  let offset = 0;
  const write = (appender: DuckDBAppender) => {
    side.rows.forEach((rows, b) => {
      const n = count(flags[b]);
      const ord = new Float64Array(rows.rowCount);
      for (let r = 0; r < rows.rowCount; r++) ord[r] = offset + r;
      const cols = [
        { type: "BIGINT", values: ord } as Column,
        ...side.keyColumns.map(
          (i): Column =>
            rows.columns[i] ?? {
              type: "VARCHAR",
              values: labelColumn(rows.labels, side.labelColumns.indexOf(i)),
            },
        ),
      ];
      appendColumns(driver, appender, compact(cols, flags[b], n), n);
      offset += rows.rowCount;
    });
  };
  await withAppender(c, side.stage, write, true);
}

/** TIMESTAMP literals bounding the flagged rows' times. */
function timeRange(side: DedupeSide, flags: Uint8Array[]): [string, string] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  side.rows.forEach((rows, b) => {
    for (let r = 0; r < rows.rowCount; r++) {
      if (flags[b][r] === 0) continue;
      if (rows.timeUs[r] < lo) lo = rows.timeUs[r];
      if (rows.timeUs[r] > hi) hi = rows.timeUs[r];
    }
  });
  return lo > hi
    ? ["make_timestamp(0)", "make_timestamp(-1)"]
    : [`make_timestamp(${lo})`, `make_timestamp(${hi})`];
}

/**
 * Clears the kept flags of rows already stored, inside the caller's transaction. The stage
 * tables must be empty. Returns how many rows were looked up.
 */
export async function dropStored(
  driver: Driver,
  c: DuckDBConnection,
  lines: DedupeSide,
  readings: DedupeSide,
  marks: { lines: Marks; readings: Marks },
): Promise<number> {
  const l = suspects(lines, marks.lines);
  const r = suspects(readings, marks.readings);
  if (l.total + r.total === 0) return 0;
  if (l.total > 0) await stage(driver, c, lines, l.flags);
  if (r.total > 0) await stage(driver, c, readings, r.flags);
  const sql = storedDuplicatesSql(timeRange(lines, l.flags), timeRange(readings, r.flags));
  for (const [kind, ord] of (await c.runAndReadAll(sql)).getRowsJS()) {
    const keep = Number(kind) === 0 ? lines.keep : readings.keep;
    let i = Number(ord);
    let b = 0;
    while (i >= keep[b].length) i -= keep[b++].length;
    keep[b][i] = 0;
  }
  return l.total + r.total;
}
