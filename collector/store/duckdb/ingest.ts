/**
 * One commit of one or more batches (group commit, see group-commit.ts), in one transaction:
 *   1. dedupe within the commit in JS, by exact natural-key text, first occurrence wins
 *      (batches in arrival order, rows in batch order);
 *   2. stage the keys (temp tables) and ask DuckDB which are already stored (exact, full-key
 *      comparison, time-range pruned: ingest-sql.ts);
 *   3. append the remaining rows straight into usage_lines, gpu_readings and
 *      gpu_reading_tokens (token rows go with their reading: stored iff it is inserted);
 *   4. add the JS-summed rollup delta of exactly those lines, store the agents' sequence
 *      state, and COMMIT. DuckDB writes and fsyncs its WAL at COMMIT, so when the
 *      promise resolves the rows survive a process kill (test/collector/store/durability).
 */
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import { StoreError } from "../errors.js";
import type { IngestBatch, IngestResult } from "../types.js";
import type { AgentBook } from "./agents.js";
import { appendColumns, type Column, type Driver } from "./chunk-writer.js";
import { storedDuplicatesSql } from "./ingest-sql.js";
import { MERGE_ROLLUP, RollupDelta } from "./rollup.js";
import { LINE_COLUMNS } from "./schema.js";
import {
  type Columnar,
  linesToColumns,
  type ReadingColumns,
  readingsToColumns,
} from "./to-columns.js";

/** A validated batch in columns, ready to commit. */
export interface Prepared {
  batch: IngestBatch;
  lines: Columnar;
  readings: ReadingColumns;
}

/** Validates and converts a batch; throws TW_ERR_STORE_BATCH for a malformed one. */
export function prepare(batch: IngestBatch): Prepared {
  const context = { agentId: String(batch.agentId), seq: batch.seq };
  if (typeof batch.agentId !== "string" || typeof batch.bootId !== "string") {
    throw new StoreError("TW_ERR_STORE_BATCH", "agentId and bootId must be strings", context);
  }
  if (!Number.isSafeInteger(batch.seq) || batch.seq < 0) {
    throw new StoreError("TW_ERR_STORE_BATCH", "seq must be a non-negative integer", context);
  }
  try {
    return { batch, lines: linesToColumns(batch.lines), readings: readingsToColumns(batch.readings) };
  } catch (cause) {
    if (cause instanceof StoreError) {
      throw new StoreError(cause.code, cause.message.replace(/^TW_ERR_\w+: /, ""), context);
    }
    throw cause;
  }
}

export interface CommitContext {
  driver: Driver;
  connection: DuckDBConnection;
  agents: AgentBook;
  nowMs: number;
}

const at = (name: string): number => LINE_COLUMNS.findIndex((c) => c.name === name);
const LINE_KEY_COLUMNS = [
  "x_AgentId",
  "ChargePeriodStart",
  "ResourceId",
  "x_Workload",
  "SubAccountId",
  "x_LineKind",
  "x_PriceVersion",
].map(at);

function filled(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}

function ordinals(n: number, offset: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = offset + i;
  return out;
}

/** Only the rows flagged in `keep` (`kept` of them); the columns themselves when all are. */
function compact(columns: readonly Column[], keep: Uint8Array, kept: number): readonly Column[] {
  if (kept === keep.length) return columns;
  return columns.map((c): Column => {
    if (c.type === "VARCHAR") {
      const out = new Array<string>(kept);
      for (let r = 0, k = 0; r < keep.length; r++) if (keep[r] === 1) out[k++] = c.values[r];
      return { type: "VARCHAR", values: out };
    }
    const out = new Float64Array(kept);
    for (let r = 0, k = 0; r < keep.length; r++) if (keep[r] === 1) out[k++] = c.values[r];
    return { type: c.type, values: out };
  });
}

function count(keep: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i];
  return n;
}

/** Per batch, 1 for each row whose key no earlier row of the commit has. */
function firstOccurrences(keysOf: readonly (readonly string[])[]): Uint8Array[] {
  const seen = new Set<string>();
  return keysOf.map((keys) => {
    const keep = new Uint8Array(keys.length);
    for (let r = 0; r < keys.length; r++) {
      if (!seen.has(keys[r])) {
        seen.add(keys[r]);
        keep[r] = 1;
      }
    }
    return keep;
  });
}

function timeRange(times: readonly Float64Array[]): [string, string] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    for (let i = 0; i < t.length; i++) {
      if (t[i] < lo) lo = t[i];
      if (t[i] > hi) hi = t[i];
    }
  }
  return lo > hi ? ["make_timestamp(0)", "make_timestamp(0)"] : [`make_timestamp(${lo})`, `make_timestamp(${hi})`];
}

async function withAppender(
  c: DuckDBConnection,
  table: string,
  catalog: string | null,
  write: (a: DuckDBAppender) => void,
): Promise<void> {
  const appender = await c.createAppender(table, null, catalog);
  try {
    write(appender);
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Stages every row's key; returns the global ordinal offset of each batch. */
async function stageKeys(ctx: CommitContext, group: readonly Prepared[]): Promise<void> {
  const { driver, connection: c } = ctx;
  await withAppender(c, "stage_line_keys", "temp", (a) => {
    let offset = 0;
    for (const p of group) {
      const n = p.lines.rowCount;
      const cols = LINE_KEY_COLUMNS.map((i) => p.lines.columns[i]);
      appendColumns(driver, a, [{ type: "BIGINT", values: ordinals(n, offset) }, ...cols], n);
      offset += n;
    }
  });
  await withAppender(c, "stage_reading_keys", "temp", (a) => {
    let offset = 0;
    for (const p of group) {
      const n = p.readings.readings.rowCount;
      const [agent, start, , gpu] = p.readings.readings.columns;
      appendColumns(driver, a, [{ type: "BIGINT", values: ordinals(n, offset) }, agent, start, gpu], n);
      offset += n;
    }
  });
}

/** Clears the flags of rows already stored; returns the ingest id for the commit's rows. */
async function dropStored(
  c: DuckDBConnection,
  group: readonly Prepared[],
  lineKeep: Uint8Array[],
  readingKeep: Uint8Array[],
): Promise<number> {
  const sql = `SELECT 2 AS kind, nextval('ingest_ids') AS ord UNION ALL ${storedDuplicatesSql(
    timeRange(group.map((p) => p.lines.timeUs)),
    timeRange(group.map((p) => p.readings.readings.timeUs)),
  )}`;
  const rows = (await c.runAndReadAll(sql)).getRowsJS();
  let id = 0;
  for (const [kind, ord] of rows) {
    if (Number(kind) === 2) {
      id = Number(ord);
      continue;
    }
    const keep = Number(kind) === 0 ? lineKeep : readingKeep;
    let i = Number(ord);
    let b = 0;
    while (i >= keep[b].length) i -= keep[b++].length;
    keep[b][i] = 0;
  }
  return id;
}

/** Commits `group` in one transaction; results in group order. Throws on failure (rolled back). */
export async function commitGroup(
  ctx: CommitContext,
  group: readonly Prepared[],
): Promise<IngestResult[]> {
  const { driver, connection: c, nowMs } = ctx;
  const lineKeep = firstOccurrences(group.map((p) => p.lines.keys));
  const readingKeep = firstOccurrences(group.map((p) => p.readings.readings.keys));
  await c.run(
    "BEGIN TRANSACTION; DELETE FROM stage_line_keys; DELETE FROM stage_reading_keys; DELETE FROM stage_rollup",
  );
  try {
    await stageKeys(ctx, group);
    const id = await dropStored(c, group, lineKeep, readingKeep);
    const inserted = lineKeep.map(count);
    const readingsInserted = readingKeep.map(count);
    const rollup = new RollupDelta();
    await withAppender(c, "usage_lines", null, (a) => {
      group.forEach((p, b) => {
        const n = inserted[b];
        const cols = compact(p.lines.columns, lineKeep[b], n);
        const extra: Column[] = [
          { type: "BIGINT", values: filled(n, id) },
          { type: "TIMESTAMP", values: filled(n, nowMs * 1000) },
        ];
        appendColumns(driver, a, [...cols, ...extra], n);
        rollup.add(p.lines, lineKeep[b]);
      });
    });
    await withAppender(c, "gpu_readings", null, (a) => {
      group.forEach((p, b) => {
        const n = readingsInserted[b];
        const cols = compact(p.readings.readings.columns, readingKeep[b], n);
        appendColumns(driver, a, [...cols, { type: "BIGINT", values: filled(n, id) }], n);
      });
    });
    await withAppender(c, "gpu_reading_tokens", null, (a) => {
      group.forEach((p, b) => {
        const { owner, tokens, tokenCount } = p.readings;
        const keep = new Uint8Array(tokenCount);
        for (let k = 0; k < tokenCount; k++) keep[k] = readingKeep[b][owner[k]];
        const n = count(keep);
        appendColumns(driver, a, compact(tokens, keep, n), n);
      });
    });
    const statements: string[] = [];
    if (rollup.size > 0) {
      await withAppender(c, "stage_rollup", "temp", (a) =>
        appendColumns(driver, a, rollup.columns(), rollup.size),
      );
      statements.push(MERGE_ROLLUP);
    }
    const agents = ctx.agents.plan(
      group.map((p, b) => ({ ...p.batch, lineCount: inserted[b] })),
      nowMs,
    );
    statements.push(agents.sql, "COMMIT");
    await c.run(statements.join(";\n"));
    ctx.agents.apply(agents.next);
    return group.map((p, b) => ({
      inserted: inserted[b],
      duplicates: p.lines.rowCount - inserted[b],
      readingsInserted: readingsInserted[b],
      readingsDuplicates: p.readings.readings.rowCount - readingsInserted[b],
    }));
  } catch (error) {
    await c.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
