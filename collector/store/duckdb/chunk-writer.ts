/**
 * Typed columns → DuckDB data chunks → an appender, with a handful of native calls per
 * column and chunk instead of one per value. Numbers and timestamps are copied as whole
 * buffers. Strings are written as DuckDB's 16-byte `duckdb_string_t` (public C API layout:
 * u32 length, then ≤ 12 bytes inline, or a 4-byte prefix and a pointer): short strings are
 * encoded in JS, and each distinct long string is assigned once per chunk through the C API
 * and its `duckdb_string_t` (pointing into that vector's own string heap) reused for the
 * chunk's other rows. Usage-line strings repeat heavily, so a 2,048-row chunk of a string
 * column costs one buffer copy plus one call per distinct long value.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBType } from "@duckdb/node-api";
import type { DuckDbBindings, DuckDbModule } from "./driver.js";

/** One column of a batch: numbers (DOUBLE), ids, epoch microseconds (TIMESTAMP), or text. */
export type Column =
  | { type: "INTEGER"; values: Int32Array }
  | { type: "DOUBLE"; values: Float64Array }
  | { type: "TIMESTAMP"; values: Float64Array }
  | { type: "BIGINT"; values: Float64Array }
  | { type: "VARCHAR"; values: readonly string[] };

const CHUNK_ROWS = 2048;
const INLINE_MAX = 12;
const encoder = new TextEncoder();

/** `duckdb_string_t` bytes of short strings, reusable anywhere (no pointer). Bounded. */
const inlineCache = new Map<string, Uint8Array | null>();
const INLINE_CACHE_MAX = 65_536;

/** The inline `duckdb_string_t` of `s`, or null when its UTF-8 form exceeds 12 bytes. */
function inlineString(s: string): Uint8Array | null {
  const hit = inlineCache.get(s);
  if (hit !== undefined) return hit;
  let out: Uint8Array | null = null;
  if (s.length <= INLINE_MAX) {
    const bytes = new Uint8Array(16);
    const { read, written } = encoder.encodeInto(s, bytes.subarray(4));
    if (read === s.length && written <= INLINE_MAX) {
      new DataView(bytes.buffer).setUint32(0, written, true);
      out = bytes;
    }
  }
  if (inlineCache.size >= INLINE_CACHE_MAX) inlineCache.clear();
  inlineCache.set(s, out);
  return out;
}

type Vector = ReturnType<DuckDbBindings["data_chunk_get_vector"]>;

/** Scratch buffers, reused across chunks (one writer runs at a time: ingest is serial). */
const scratch = new ArrayBuffer(16 * CHUNK_ROWS);
const scratchBytes = new Uint8Array(scratch);
const scratchI32 = new Int32Array(scratch);

function writeStrings(
  bindings: DuckDbBindings,
  vector: Vector,
  values: readonly string[],
  start: number,
  n: number,
): void {
  // Pass 1: long strings get one C API assignment each, at their first row in the chunk.
  let long: Map<string, number> | undefined;
  for (let i = 0; i < n; i++) {
    const s = values[start + i];
    if (inlineString(s) !== null) continue;
    long ??= new Map();
    if (!long.has(s)) {
      long.set(s, i);
      bindings.vector_assign_string_element(vector, i, s);
    }
  }
  let assigned: Uint8Array | undefined;
  if (long !== undefined) {
    let last = 0;
    for (const i of long.values()) if (i > last) last = i;
    assigned = bindings.vector_get_data(vector, 16 * (last + 1));
  }
  // Pass 2: every row's 16 bytes into scratch, then one copy into the vector.
  for (let i = 0; i < n; i++) {
    const s = values[start + i];
    const inline = inlineString(s);
    if (inline !== null) scratchBytes.set(inline, 16 * i);
    else {
      const at = 16 * (long?.get(s) ?? 0);
      scratchBytes.set((assigned as Uint8Array).subarray(at, at + 16), 16 * i);
    }
  }
  bindings.copy_data_to_vector(vector, 0, scratch, 0, 16 * n);
}

function writeNumbers(
  bindings: DuckDbBindings,
  vector: Vector,
  column: Column,
  start: number,
  n: number,
): void {
  if (column.type === "INTEGER" || column.type === "DOUBLE") {
    // Same in-memory layout as DuckDB's vector: one buffer copy.
    const v = column.values;
    const width = v.BYTES_PER_ELEMENT;
    bindings.copy_data_to_vector(
      vector,
      0,
      v.buffer as ArrayBuffer,
      v.byteOffset + width * start,
      width * n,
    );
    return;
  }
  const v = column.values as Float64Array;
  // int64 (TIMESTAMP µs, BIGINT) from exact integers < 2^53, little-endian halves.
  for (let i = 0; i < n; i++) {
    const x = v[start + i];
    const hi = Math.floor(x / 4294967296);
    scratchI32[2 * i] = x - hi * 4294967296;
    scratchI32[2 * i + 1] = hi;
  }
  bindings.copy_data_to_vector(vector, 0, scratch, 0, 8 * n);
}

function duckType(duckdb: DuckDbModule, column: Column): DuckDBType {
  switch (column.type) {
    case "DOUBLE":
      return duckdb.DOUBLE;
    case "TIMESTAMP":
      return duckdb.TIMESTAMP;
    case "BIGINT":
      return duckdb.BIGINT;
    case "INTEGER":
      return duckdb.INTEGER;
    case "VARCHAR":
      return duckdb.VARCHAR;
  }
}

/** The driver pieces the writer needs. */
export interface Driver {
  duckdb: DuckDbModule;
  bindings: DuckDbBindings;
}

/**
 * Appends `rowCount` rows of `columns` (table column order, all NOT NULL) to `appender`;
 * the caller flushes. Inside an open transaction the rows belong to it.
 */
export function appendColumns(
  { duckdb, bindings }: Driver,
  appender: DuckDBAppender,
  columns: readonly Column[],
  rowCount: number,
): void {
  if (rowCount === 0) return;
  const types = columns.map((c) => duckType(duckdb, c));
  for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rowCount - start);
    const chunk = duckdb.DuckDBDataChunk.create(types, n);
    for (let c = 0; c < columns.length; c++) {
      const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
      const column = columns[c];
      if (column.type === "VARCHAR") writeStrings(bindings, vector, column.values, start, n);
      else writeNumbers(bindings, vector, column, start, n);
    }
    appender.appendDataChunk(chunk);
  }
}

/**
 * Runs `write` with a fresh appender on `table` (a temp table when `temp`), then flushes it
 * into the connection's open transaction, if any, and closes it.
 */
export async function withAppender(
  c: DuckDBConnection,
  table: string,
  write: (appender: DuckDBAppender) => void,
  temp = false,
): Promise<void> {
  const appender = await (temp ? c.createAppender(table, null, "temp") : c.createAppender(table));
  try {
    write(appender);
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
