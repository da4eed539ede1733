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
import { type LabelTuples, tuplesOf } from "./label-tuples.js";
import {
  CONTRIBUTION_COLUMNS,
  type ColumnSpec,
  LINE_COLUMNS,
  LINES,
  READING_COLUMNS,
  READINGS,
  TOKEN_COUNTS,
} from "./schema.js";

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Rows as columns, plus each row's key time in µs. Times and numbers are typed arrays at
 * their logical index (schema.ts); the label (VARCHAR) columns are held as tuples
 * (label-tuples.ts) and their positions in `columns` are undefined. Plain data of typed
 * arrays and a few short string lists, so it crosses threads cheaply (ingest/stage-pool.ts).
 */
export interface Columnar {
  columns: (Column | undefined)[];
  labels: LabelTuples;
  rowCount: number;
  timeUs: Float64Array;
}

/** The time or number column at logical index `i`. */
export function numeric(rows: Columnar, i: number): Column {
  const c = rows.columns[i];
  if (c === undefined) throw new Error(`column ${i} is a label, not a number`);
  return c;
}

/** Moves the label columns at logical indices `at` into tuples. */
export function withTuples(columns: Column[], at: readonly number[], n: number) {
  const labels = tuplesOf(
    at.map((i) => columns[i].values as string[]),
    n,
  );
  const out: (Column | undefined)[] = [...columns];
  for (const i of at) out[i] = undefined;
  return { columns: out, labels };
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
  return {
    ...withTuples(columns, LINES.layout.labels, n),
    rowCount: n,
    timeUs: columns[0].values as Float64Array,
  };
}

/**
 * Readings and their token rows; `owner[i]` is the reading row of token row `i`. Token rows
 * are CONTRIBUTION_COLUMNS with the strings left out: their (workload, tenant) as tuples,
 * their agent and GPU being their reading's.
 */
export interface ReadingColumns {
  readings: Columnar;
  tokens: (Column | undefined)[];
  tokenLabels: LabelTuples;
  tokenCount: number;
  owner: Int32Array;
}

const tokenAt = (name: string) => CONTRIBUTION_COLUMNS.findIndex((c) => c.name === name);
/** CONTRIBUTION_COLUMNS indices of a token row's labels (token_dims: workload, tenant). */
export const TOKEN_LABELS = ["workload", "tenant"].map(tokenAt);
/** CONTRIBUTION_COLUMNS indices of a token row's window start and its numbers. */
export const TOKEN_START = tokenAt("window_start");
export const TOKEN_NUMBERS = TOKEN_COUNTS.map(([name]) => tokenAt(name));
/** A token row's agent and GPU are its reading's: not carried per row. */
const TOKEN_FROM_READING = ["agent_id", "gpu_uuid"].map(tokenAt);

export function readingsToColumns(readings: readonly GpuReadingRow[]): ReadingColumns {
  const n = readings.length;
  const columns = allocate(READING_COLUMNS, n);
  fill(readings, READING_COLUMNS, columns, (name) => READING_FIELD[name], true);
  const timeUs = columns[1].values as Float64Array;
  let tokenCount = 0;
  for (let r = 0; r < n; r++) {
    const tokens = readings[r].tokens;
    if (!Array.isArray(tokens)) throw bad("tokens is not a list", r, "tokens");
    tokenCount += tokens.length;
  }
  const t = allocate(CONTRIBUTION_COLUMNS, tokenCount);
  const owner = new Int32Array(tokenCount);
  const tStart = t[TOKEN_START];
  const [tWorkload, tTenant] = TOKEN_LABELS.map((i) => t[i]);
  const nums = TOKEN_NUMBERS.map((i) => t[i].values as Float64Array);
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (const c of readings[r].tokens) {
      owner[k] = r;
      (tStart.values as Float64Array)[k] = timeUs[r];
      (tWorkload.values as string[])[k] = text(c.workload, r, "tokens.workload");
      (tTenant.values as string[])[k] = text(c.tenant, r, "tokens.tenant");
      nums[0][k] = finite(c.promptTokens, r, "tokens.promptTokens");
      nums[1][k] = finite(c.cachedTokens, r, "tokens.cachedTokens");
      nums[2][k] = finite(c.generationTokens, r, "tokens.generationTokens");
      nums[3][k] = finite(c.requests, r, "tokens.requests");
      k++;
    }
  }
  const tokens = withTuples(t, TOKEN_LABELS, tokenCount);
  for (const i of TOKEN_FROM_READING) tokens.columns[i] = undefined;
  return {
    readings: { ...withTuples(columns, READINGS.layout.labels, n), rowCount: n, timeUs },
    tokens: tokens.columns,
    tokenLabels: tokens.labels,
    tokenCount,
    owner,
  };
}
