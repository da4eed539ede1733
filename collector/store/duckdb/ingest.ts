/**
 * One commit of one or more batches (group commit, see group-commit.ts), in one transaction:
 *   1. dedupe by natural key, exactly (dedupe.ts): within the commit, then against stored
 *      rows for the few rows that could be stored (per-agent high-water marks, marks.ts);
 *   2. append the remaining rows straight into usage_lines, gpu_readings and
 *      gpu_reading_tokens (token rows go with their reading: stored iff it is inserted);
 *   3. add the JS-summed rollup delta of exactly those lines (rollup.ts), store the agents'
 *      sequence state (agents.ts), and COMMIT. DuckDB writes and fsyncs its WAL at COMMIT, so
 *      when the promise resolves the rows survive a process kill (test: store/durability).
 */
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import { StoreError } from "../errors.js";
import type { IngestBatch, IngestColumnsBatch, IngestResult } from "../types.js";
import type { AgentBook } from "./agents.js";
import { appendColumns, type Column, type Driver } from "./chunk-writer.js";
import { compact, count, type DedupeSide, dropStored, firstOccurrences, latest } from "./dedupe.js";
import type { HighWaterMarks } from "./marks.js";
import { MERGE_ROLLUP, RollupDelta } from "./rollup.js";
import { LINE_COLUMNS } from "./schema.js";
import {
  type Columnar,
  linesToColumns,
  type ReadingColumns,
  readingsToColumns,
} from "./to-columns.js";
import { wireLinesToColumns } from "./wire-columns.js";

/** A validated batch in columns, ready to commit. */
export interface Prepared {
  batch: Omit<IngestBatch, "lines" | "readings">;
  lines: Columnar;
  readings: ReadingColumns;
}

/** Validates and converts a batch; throws TW_ERR_STORE_BATCH for a malformed one. */
export function prepare(batch: IngestBatch | IngestColumnsBatch): Prepared {
  const context = { agentId: String(batch.agentId), seq: batch.seq };
  if (typeof batch.agentId !== "string" || typeof batch.bootId !== "string") {
    throw new StoreError("TW_ERR_STORE_BATCH", "agentId and bootId must be strings", context);
  }
  if (!Number.isSafeInteger(batch.seq) || batch.seq < 0) {
    throw new StoreError("TW_ERR_STORE_BATCH", "seq must be a non-negative integer", context);
  }
  try {
    return {
      batch,
      lines:
        "keep" in batch
          ? wireLinesToColumns(batch.lines, batch.keep, batch.kept)
          : linesToColumns(batch.lines),
      readings: readingsToColumns(batch.readings),
    };
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
  marks: HighWaterMarks;
  nowMs: number;
}

const at = (name: string): number => LINE_COLUMNS.findIndex((c) => c.name === name);
const LINE_AGENT = at("x_AgentId");
/** stage_line_keys column order (schema.ts): the natural key. */
const LINE_KEY_COLUMNS = [
  "x_AgentId",
  "ChargePeriodStart",
  "ResourceId",
  "x_Workload",
  "SubAccountId",
  "x_LineKind",
  "x_PriceVersion",
].map(at);
/** stage_reading_keys: agent_id, window_start, gpu_uuid. */
const READING_KEY_COLUMNS = [0, 1, 3];

function filled(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}

/** Appends the kept rows of each batch through one appender, flushed into the transaction. */
async function appendKept(
  c: DuckDBConnection,
  table: string,
  write: (appender: DuckDBAppender) => void,
): Promise<void> {
  const appender = await c.createAppender(table);
  try {
    write(appender);
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Commits `group` in one transaction; results in group order. Throws on failure (rolled back). */
export async function commitGroup(
  ctx: CommitContext,
  group: readonly Prepared[],
): Promise<IngestResult[]> {
  const { driver, connection: c, nowMs } = ctx;
  const lineRows = group.map((p) => p.lines);
  const readingRows = group.map((p) => p.readings.readings);
  const lines: DedupeSide = {
    rows: lineRows,
    keep: firstOccurrences(lineRows.map((r) => r.keys)),
    agentColumn: LINE_AGENT,
    gpuColumn: at("ResourceId"),
    keyColumns: LINE_KEY_COLUMNS,
    stage: "stage_line_keys",
  };
  const readings: DedupeSide = {
    rows: readingRows,
    keep: firstOccurrences(readingRows.map((r) => r.keys)),
    agentColumn: 0,
    gpuColumn: 3,
    keyColumns: READING_KEY_COLUMNS,
    stage: "stage_reading_keys",
  };
  const marks = await ctx.marks.get(c);
  // Stage tables are empty between commits: each commit clears what it staged before COMMIT
  // (and a rollback restores them empty), so no round trip is spent clearing them here.
  const begin = await c.runAndReadAll("BEGIN TRANSACTION; SELECT nextval('ingest_ids')");
  try {
    const id = Number(begin.getRowsJS()[0][0]);
    const looked = await dropStored(driver, c, lines, readings, marks);
    const inserted = lines.keep.map(count);
    const readingsInserted = readings.keep.map(count);
    const rollup = new RollupDelta();
    await appendKept(c, "usage_lines", (a) => {
      group.forEach((p, b) => {
        const n = inserted[b];
        const extra: Column[] = [
          { type: "BIGINT", values: filled(n, id) },
          { type: "TIMESTAMP", values: filled(n, nowMs * 1000) },
        ];
        appendColumns(driver, a, [...compact(p.lines.columns, lines.keep[b], n), ...extra], n);
        rollup.add(p.lines, lines.keep[b]);
      });
    });
    await appendKept(c, "gpu_readings", (a) => {
      group.forEach((p, b) => {
        const n = readingsInserted[b];
        const cols = compact(p.readings.readings.columns, readings.keep[b], n);
        appendColumns(driver, a, [...cols, { type: "BIGINT", values: filled(n, id) }], n);
      });
    });
    await appendKept(c, "gpu_reading_tokens", (a) => {
      group.forEach((p, b) => {
        const { owner, tokens, tokenCount } = p.readings;
        const keep = new Uint8Array(tokenCount);
        for (let k = 0; k < tokenCount; k++) keep[k] = readings.keep[b][owner[k]];
        const n = count(keep);
        appendColumns(driver, a, compact(tokens, keep, n), n);
      });
    });
    const statements: string[] = [];
    if (rollup.size > 0) {
      const stage = await c.createAppender("stage_rollup", null, "temp");
      try {
        appendColumns(driver, stage, rollup.columns(), rollup.size);
        stage.flushSync();
      } finally {
        stage.closeSync();
      }
      statements.push(MERGE_ROLLUP, "DELETE FROM stage_rollup");
    }
    if (looked > 0)
      statements.push("DELETE FROM stage_line_keys", "DELETE FROM stage_reading_keys");
    const agents = ctx.agents.plan(
      group.map((p, b) => ({ ...p.batch, lineCount: inserted[b] })),
      nowMs,
    );
    statements.push(agents.sql, "COMMIT");
    await c.run(statements.join(";\n"));
    ctx.agents.apply(agents.next);
    ctx.marks.raise(latest(lines), latest(readings));
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
