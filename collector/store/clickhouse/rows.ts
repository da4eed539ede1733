/**
 * Batch rows → JSONEachRow objects, validated on the way: a batch with a malformed time, a
 * time outside ClickHouse's DateTime range or a non-finite number is refused whole
 * (TW_ERR_STORE_BATCH naming the row and field) before anything is written. Copies of a key
 * inside one batch are dropped (first occurrence wins).
 */
import { StoreError } from "../errors.js";
import { READING_FIELD } from "../reading-columns.js";
import type { GpuReadingRow, StoredUsageLine } from "../types.js";
import { type ChColumn, LINE_COLUMNS, READING_COLUMNS } from "./schema.js";

export type Row = Record<string, string | number>;

/** Rows unique by key, with the key of each and the span of their time column. */
export interface KeyedRows {
  rows: Row[];
  keys: string[];
  /** Rows dropped as copies of an earlier row of the same batch. */
  copies: number;
  agents: Set<string>;
  minS: number;
  maxS: number;
}

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** DateTime is an unsigned 32-bit epoch-seconds value. */
const MAX_DATETIME_S = 4_294_967_295;

function bad(message: string, row: number, field: string): StoreError {
  return new StoreError("TW_ERR_STORE_BATCH", `${message} (row ${row}, ${field})`);
}

function epochSeconds(value: unknown, row: number, field: string): number {
  let s: number;
  if (typeof value === "number") s = value;
  else {
    if (typeof value !== "string" || !UTC_SECONDS.test(value)) {
      throw bad("time is not YYYY-MM-DDTHH:mm:ssZ", row, field);
    }
    s = Date.parse(value) / 1000;
  }
  if (!Number.isInteger(s) || s < 0 || s > MAX_DATETIME_S) {
    throw bad("time is not whole seconds within 1970..2106", row, field);
  }
  return s;
}

function value(col: ChColumn, v: unknown, row: number): string | number {
  if (col.type === "DateTime") return epochSeconds(v, row, col.name);
  if (col.type === "Float64") {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw bad("number is missing or not finite", row, col.name);
    }
    return v;
  }
  if (v === undefined) return "";
  if (typeof v !== "string") throw bad("value is not a string", row, col.name);
  return v;
}

function keyed(): KeyedRows {
  return {
    rows: [],
    keys: [],
    copies: 0,
    agents: new Set(),
    minS: Number.POSITIVE_INFINITY,
    maxS: Number.NEGATIVE_INFINITY,
  };
}

/** Appends `row` under `key` unless the batch already had the key. */
function add(out: KeyedRows, seen: Set<string>, key: string, row: Row, agent: string, t: number) {
  if (seen.has(key)) {
    out.copies++;
    return;
  }
  seen.add(key);
  out.rows.push(row);
  out.keys.push(key);
  out.agents.add(agent);
  if (t < out.minS) out.minS = t;
  if (t > out.maxS) out.maxS = t;
}

/** The key string of a stored row, from its key columns (times as epoch seconds). */
export function rowKey(row: Record<string, unknown>, key: readonly string[]): string {
  return key.map((k) => String(row[k])).join("\u0000");
}

/** Lines (or rows with epoch-second times, as re-pricing builds them) → keyed rows. */
export function lineRows(
  lines: readonly (StoredUsageLine | Row)[],
  key: readonly string[],
): KeyedRows {
  const out = keyed();
  const seen = new Set<string>();
  for (let r = 0; r < lines.length; r++) {
    const line = lines[r] as unknown as Record<string, unknown>;
    const row: Row = {};
    for (const col of LINE_COLUMNS) row[col.name] = value(col, line[col.name], r);
    add(out, seen, rowKey(row, key), row, row.x_AgentId as string, row.ChargePeriodStart as number);
  }
  return out;
}

const text = (name: string): ChColumn => ({ name, type: "String" });
const num = (name: string): ChColumn => ({ name, type: "Float64" });

export function readingRows(
  readings: readonly GpuReadingRow[],
  readingKey: readonly string[],
  tokenKey: readonly string[],
): { readings: KeyedRows; tokens: KeyedRows } {
  const out = keyed();
  const tokens = keyed();
  const seen = new Set<string>();
  const seenTokens = new Set<string>();
  for (let r = 0; r < readings.length; r++) {
    const g = readings[r];
    const row: Row = {};
    for (const col of READING_COLUMNS) row[col.name] = value(col, g[READING_FIELD[col.name]], r);
    const agent = row.agent_id as string;
    const t = row.window_start as number;
    add(out, seen, rowKey(row, readingKey), row, agent, t);
    if (!Array.isArray(g.tokens)) throw bad("tokens is not a list", r, "tokens");
    for (const c of g.tokens) {
      const tr: Row = { agent_id: agent, window_start: t, gpu_uuid: row.gpu_uuid };
      tr.workload = value(text("tokens.workload"), c.workload, r);
      tr.tenant = value(text("tokens.tenant"), c.tenant, r);
      tr.prompt_tokens = value(num("tokens.promptTokens"), c.promptTokens, r);
      tr.cached_tokens = value(num("tokens.cachedTokens"), c.cachedTokens, r);
      tr.generation_tokens = value(num("tokens.generationTokens"), c.generationTokens, r);
      tr.requests = value(num("tokens.requests"), c.requests, r);
      add(tokens, seenTokens, rowKey(tr, tokenKey), tr, agent, t);
    }
  }
  return { readings: out, tokens };
}
