/**
 * Row objects → typed columns in schema order, validated on the way: a batch with a
 * malformed time or a non-finite number is refused whole (TW_ERR_STORE_BATCH naming the row
 * and field), because storing part of a batch would break the ack contract. Runs when
 * `ingest` is called, outside the store's queue, so it overlaps the running commit.
 */
import { StoreError } from "../errors.js";
import { READING_FIELD } from "../reading-columns.js";
import type { GpuReadingRow, StoredUsageLine } from "../types.js";
import type { Column } from "./chunk-writer.js";
import { CONTRIBUTION_COLUMNS, type ColumnSpec, LINE_COLUMNS, READING_COLUMNS } from "./schema.js";

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Rows as columns (logical order, schema.ts), plus each row's key time in µs. */
export interface Columnar {
  columns: Column[];
  rowCount: number;
  timeUs: Float64Array;
}

function bad(message: string, row: number, field: string): StoreError {
  return new StoreError("TW_ERR_STORE_BATCH", `${message} (row ${row}, ${field})`);
}

/** Parses `YYYY-MM-DDTHH:mm:ssZ` to epoch µs; lines of a batch share few times, so memoise. */
class TimeParser {
  private lastText = "";
  private lastUs = 0;

  us(value: unknown, row: number, field: string): number {
    if (value === this.lastText) return this.lastUs;
    if (typeof value !== "string" || !UTC_SECONDS.test(value)) {
      throw bad("time is not YYYY-MM-DDTHH:mm:ssZ", row, field);
    }
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) throw bad("time is not a valid date", row, field);
    this.lastText = value;
    this.lastUs = ms * 1000;
    return this.lastUs;
  }
}

function finite(value: unknown, row: number, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw bad("number is missing or not finite", row, field);
  }
  return value;
}

function text(value: unknown, row: number, field: string): string {
  if (value === undefined) return "";
  if (typeof value !== "string") throw bad("value is not a string", row, field);
  return value;
}

function allocate(specs: readonly ColumnSpec[], n: number): Column[] {
  return specs.map(
    (s): Column =>
      s.type === "VARCHAR"
        ? { type: "VARCHAR", values: new Array<string>(n) }
        : s.type === "INTEGER"
          ? { type: "INTEGER", values: new Int32Array(n) }
          : { type: s.type, values: new Float64Array(n) },
  );
}

/** Fills `columns` from row objects; `field(name)` maps a column to its property. */
function fill(
  rows: readonly object[],
  specs: readonly ColumnSpec[],
  columns: Column[],
  field: (name: string) => string,
  secondsTimes: boolean,
): void {
  const n = rows.length;
  for (let c = 0; c < specs.length; c++) {
    const { name, type } = specs[c];
    const prop = field(name);
    const col = columns[c];
    if (col.type === "VARCHAR") {
      const out = col.values as string[];
      for (let r = 0; r < n; r++)
        out[r] = text((rows[r] as Record<string, unknown>)[prop], r, name);
    } else if (type === "TIMESTAMP" && !secondsTimes) {
      const parser = new TimeParser();
      for (let r = 0; r < n; r++) {
        col.values[r] = parser.us((rows[r] as Record<string, unknown>)[prop], r, name);
      }
    } else {
      const scale = type === "TIMESTAMP" ? 1e6 : 1;
      for (let r = 0; r < n; r++) {
        const v = finite((rows[r] as Record<string, unknown>)[prop], r, name) * scale;
        col.values[r] = type === "TIMESTAMP" ? Math.round(v) : v;
      }
    }
  }
}

export function linesToColumns(lines: readonly StoredUsageLine[]): Columnar {
  const n = lines.length;
  const columns = allocate(LINE_COLUMNS, n);
  fill(lines, LINE_COLUMNS, columns, (name) => name, false);
  return { columns, rowCount: n, timeUs: columns[0].values as Float64Array };
}

/** Readings and their token rows; `owner[i]` is the reading row of token row `i`. */
export interface ReadingColumns {
  readings: Columnar;
  tokens: Column[];
  tokenCount: number;
  owner: Int32Array;
}

export function readingsToColumns(readings: readonly GpuReadingRow[]): ReadingColumns {
  const n = readings.length;
  const columns = allocate(READING_COLUMNS, n);
  fill(readings, READING_COLUMNS, columns, (name) => READING_FIELD[name], true);
  const agent = columns[0].values as string[];
  const timeUs = columns[1].values as Float64Array;
  const gpu = columns[3].values as string[];
  let tokenCount = 0;
  for (let r = 0; r < n; r++) {
    const tokens = readings[r].tokens;
    if (!Array.isArray(tokens)) throw bad("tokens is not a list", r, "tokens");
    tokenCount += tokens.length;
  }
  const t = allocate(CONTRIBUTION_COLUMNS, tokenCount);
  const owner = new Int32Array(tokenCount);
  const [tAgent, tStart, tGpu, tWorkload, tTenant] = t;
  const nums = t.slice(5).map((c) => c.values as Float64Array);
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (const c of readings[r].tokens) {
      owner[k] = r;
      (tAgent.values as string[])[k] = agent[r];
      (tStart.values as Float64Array)[k] = timeUs[r];
      (tGpu.values as string[])[k] = gpu[r];
      (tWorkload.values as string[])[k] = text(c.workload, r, "tokens.workload");
      (tTenant.values as string[])[k] = text(c.tenant, r, "tokens.tenant");
      nums[0][k] = finite(c.promptTokens, r, "tokens.promptTokens");
      nums[1][k] = finite(c.cachedTokens, r, "tokens.cachedTokens");
      nums[2][k] = finite(c.generationTokens, r, "tokens.generationTokens");
      nums[3][k] = finite(c.requests, r, "tokens.requests");
      k++;
    }
  }
  return { readings: { columns, rowCount: n, timeUs }, tokens: t, tokenCount, owner };
}
