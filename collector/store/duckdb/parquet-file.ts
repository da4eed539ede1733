/**
 * Writes numeric columns as a Parquet file in the simplest form the format has: flat REQUIRED
 * columns, PLAIN encoding, no compression, one data page per column per row group. A page's
 * values are then the typed array's own bytes, so writing a million-row chunk is a handful
 * of buffer writes. Re-pricing hands its lines to DuckDB this way: `read_parquet` feeds an
 * INSERT that runs on DuckDB's threads, in parallel, off the JavaScript thread, where the
 * appender would run on it (docs/collector-store.md has the measurements).
 *
 * Format: https://parquet.apache.org/docs/file-format/ — the footer and page headers are
 * Thrift structs in the compact protocol, encoded by the small writer below.
 */
import { closeSync, openSync, writevSync } from "node:fs";

export type ParquetColumn =
  | { name: string; type: "DOUBLE"; values: Float64Array }
  | { name: string; type: "INT32"; values: Int32Array };

/** Rows per row group: DuckDB reads row groups in parallel, one per thread at a time. */
export const ROW_GROUP_ROWS = 122_880;

// Parquet enums (parquet.thrift).
const PHYSICAL = { INT32: 1, DOUBLE: 5 } as const;
const REQUIRED = 0;
const PLAIN = 0;
const RLE = 3;
const UNCOMPRESSED = 0;
const DATA_PAGE = 0;

// Thrift compact protocol field types.
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

/** Thrift compact protocol: just the field kinds the Parquet footer and page headers use. */
class Compact {
  private readonly bytes: number[] = [];
  private readonly lastField: number[] = [0];

  private byte(b: number): void {
    this.bytes.push(b & 0xff);
  }

  private varint(n: number): void {
    // Non-negative and below 2^53: division keeps it exact past 32 bits.
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  private zigzag(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`);
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  private field(id: number, type: number): void {
    const delta = id - this.lastField[this.lastField.length - 1];
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }

  i32(id: number, v: number): this {
    this.field(id, T_I32);
    this.zigzag(v);
    return this;
  }

  i64(id: number, v: number): this {
    this.field(id, T_I64);
    this.zigzag(v);
    return this;
  }

  string(id: number, s: string): this {
    this.field(id, T_BINARY);
    this.rawString(s);
    return this;
  }

  private rawString(s: string): void {
    const utf8 = Buffer.from(s, "utf8");
    this.varint(utf8.length);
    for (const b of utf8) this.byte(b);
  }

  /** A struct field: `body` writes its fields. */
  struct(id: number, body: (w: this) => void): this {
    this.field(id, T_STRUCT);
    return this.structBody(body);
  }

  private structBody(body: (w: this) => void): this {
    this.lastField.push(0);
    body(this);
    this.byte(0); // stop
    this.lastField.pop();
    return this;
  }

  private listHeader(id: number, type: number, size: number): void {
    this.field(id, T_LIST);
    if (size < 15) this.byte((size << 4) | type);
    else {
      this.byte(0xf0 | type);
      this.varint(size);
    }
  }

  structs<T>(id: number, items: readonly T[], body: (w: this, item: T) => void): this {
    this.listHeader(id, T_STRUCT, items.length);
    for (const item of items) this.structBody((w) => body(w, item));
    return this;
  }

  i32s(id: number, items: readonly number[]): this {
    this.listHeader(id, T_I32, items.length);
    for (const v of items) this.zigzag(v);
    return this;
  }

  strings(id: number, items: readonly string[]): this {
    this.listHeader(id, T_BINARY, items.length);
    for (const s of items) this.rawString(s);
    return this;
  }

  /** The top-level struct's bytes (with its stop byte). */
  end(): Buffer {
    this.byte(0);
    return Buffer.from(this.bytes);
  }
}

interface ChunkMeta {
  column: ParquetColumn;
  offset: number;
  bytes: number;
  rows: number;
}

/**
 * Writes rows `[0, rows)` of `columns` to a new file at `path` (replacing it). Column names
 * must be distinct; every column needs at least `rows` values.
 */
export function writeParquet(path: string, columns: readonly ParquetColumn[], rows: number): void {
  if (new Set(columns.map((c) => c.name)).size !== columns.length) {
    throw new Error(`parquet columns must have distinct names: ${columns.map((c) => c.name)}`);
  }
  for (const c of columns) {
    if (c.values.length < rows) {
      throw new Error(`parquet column ${c.name} has ${c.values.length} values, ${rows} needed`);
    }
  }
  const parts: Uint8Array[] = [Buffer.from("PAR1")];
  let offset = 4;
  const groups: { chunks: ChunkMeta[]; rows: number; bytes: number }[] = [];
  for (let start = 0; start < rows; start += ROW_GROUP_ROWS) {
    const n = Math.min(ROW_GROUP_ROWS, rows - start);
    const chunks: ChunkMeta[] = [];
    let groupBytes = 0;
    for (const column of columns) {
      const v = column.values;
      const data = new Uint8Array(
        v.buffer,
        v.byteOffset + start * v.BYTES_PER_ELEMENT,
        n * v.BYTES_PER_ELEMENT,
      );
      const header = new Compact()
        .i32(1, DATA_PAGE)
        .i32(2, data.length) // uncompressed size
        .i32(3, data.length) // compressed size
        .struct(5, (h) =>
          h
            .i32(1, n)
            .i32(2, PLAIN)
            .i32(3, RLE) // definition levels: none (REQUIRED), encoding stated anyway
            .i32(4, RLE),
        )
        .end();
      chunks.push({ column, offset, bytes: header.length + data.length, rows: n });
      parts.push(header, data);
      offset += header.length + data.length;
      groupBytes += header.length + data.length;
    }
    groups.push({ chunks, rows: n, bytes: groupBytes });
  }
  const footer = new Compact()
    .i32(1, 1) // version
    .structs(2, [undefined, ...columns], (w, c) => {
      if (c === undefined) w.string(4, "schema").i32(5, columns.length);
      else w.i32(1, PHYSICAL[c.type]).i32(3, REQUIRED).string(4, c.name);
    })
    .i64(3, rows)
    .structs(4, groups, (g, group) =>
      g
        .structs(1, group.chunks, (cc, chunk) =>
          cc
            .i64(2, chunk.offset)
            .struct(3, (m) =>
              m
                .i32(1, PHYSICAL[chunk.column.type])
                .i32s(2, [PLAIN])
                .strings(3, [chunk.column.name])
                .i32(4, UNCOMPRESSED)
                .i64(5, chunk.rows)
                .i64(6, chunk.bytes)
                .i64(7, chunk.bytes)
                .i64(9, chunk.offset),
            ),
        )
        .i64(2, group.bytes)
        .i64(3, group.rows),
    )
    .string(6, "tokenwatt")
    .end();
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  parts.push(footer, length, Buffer.from("PAR1"));
  const fd = openSync(path, "w");
  try {
    // writev takes at most IOV_MAX (1,024 on Linux) buffers a call, and may write less.
    for (let i = 0; i < parts.length; i += 512) writeAll(fd, parts.slice(i, i + 512));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, buffers: Uint8Array[]): void {
  let pending = buffers;
  while (pending.length > 0) {
    let written = writevSync(fd, pending);
    const rest: Uint8Array[] = [];
    for (const b of pending) {
      if (written >= b.length) written -= b.length;
      else {
        rest.push(b.subarray(written));
        written = 0;
      }
    }
    pending = rest;
  }
}
