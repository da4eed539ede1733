/**
 * One ingest on ClickHouse. There are no multi-table transactions, so an ingest is a
 * sequence of idempotent steps that a retry completes:
 *
 *   1. validate the whole batch (nothing is written for a malformed one);
 *   2. read which keys of the batch are already stored (no FINAL: existence only), in the
 *      batch's agents × time span, which the sorting key and the monthly partitions prune;
 *   3. insert the absent lines, readings and token rows (synchronous INSERTs);
 *   4. insert the batch receipt (agent_batches), from which agent state is derived.
 *
 * If a step fails the call rejects and the agent resends (its batch is not acked); the
 * resend stores what is missing and skips what is there. Step 2 keeps storage free of most
 * copies; copies still arise when two collectors insert the same new key at the same moment
 * (agent failover), and ReplacingMergeTree + FINAL make them count once. In that race both
 * collectors report the line as inserted: `inserted`/`duplicates` are exact per collector but
 * not across collectors; stored data and every query are.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { IngestBatch, IngestResult } from "../types.js";
import { insertRows, selectArrays } from "./client.js";
import { type KeyedRows, lineRows, type Row, readingRows } from "./rows.js";
import { CONTRIBUTION_KEY, LINE_KEY, READING_KEY } from "./schema.js";
import { chStringList, chTime } from "./sql.js";

export interface IngestContext {
  client: ClickHouseClient;
  db: string;
  /** Written on every line and receipt: which collector stored it. */
  collector: string;
  nowMs: number;
  /** Strictly increasing per store, µs-ish: orders receipts and ranks copies. */
  stamp: number;
}

/**
 * ReplacingMergeTree keeps the largest `keep_rank`; ranks fall as stamps rise, so the
 * earliest stored copy wins. Below 2^53, so it survives JSON as a number.
 */
const RANK_BASE = 9_000_000_000_000_000;

/** Keys among `rows` already stored in `table` (`timeColumn` bounds the search). */
async function storedKeys(
  ctx: IngestContext,
  table: string,
  key: readonly string[],
  agentColumn: string,
  timeColumn: string,
  rows: KeyedRows,
): Promise<Set<string>> {
  if (rows.rows.length === 0) return new Set();
  const select = key.map((k) => (k === timeColumn ? `toUInt32(${k})` : k)).join(", ");
  const found = await selectArrays(
    ctx.client,
    `SELECT ${select} FROM ${ctx.db}.${table}
WHERE ${agentColumn} IN ${chStringList(rows.agents)}
  AND ${timeColumn} >= ${chTime(rows.minS)} AND ${timeColumn} <= ${chTime(rows.maxS)}`,
  );
  return new Set(found.map((r) => r.map(String).join("\u0000")));
}

function absent(rows: KeyedRows, stored: Set<string>, extra: Row): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < rows.rows.length; i++) {
    if (!stored.has(rows.keys[i])) out.push({ ...rows.rows[i], ...extra });
  }
  return out;
}

/** Inserts the rows of `rows` whose keys are not stored yet; resolves how many it wrote. */
export async function insertAbsent(
  ctx: IngestContext,
  table: "usage_lines" | "gpu_readings" | "gpu_reading_tokens",
  rows: KeyedRows,
  extra: Row,
): Promise<number> {
  const line = table === "usage_lines";
  const key = line ? LINE_KEY : table === "gpu_readings" ? READING_KEY : CONTRIBUTION_KEY;
  const stored = await storedKeys(
    ctx,
    table,
    key,
    line ? "x_AgentId" : "agent_id",
    line ? "ChargePeriodStart" : "window_start",
    rows,
  );
  const fresh = absent(rows, stored, extra);
  await insertRows(ctx.client, `${ctx.db}.${table}`, fresh);
  return fresh.length;
}

/** Columns every stored line carries beside the usage line's own. */
export function lineExtra(ctx: IngestContext): Row {
  return {
    x_IngestTime: Math.floor(ctx.nowMs / 1000),
    x_Collector: ctx.collector,
    keep_rank: RANK_BASE - ctx.stamp,
  };
}

export async function ingestBatch(ctx: IngestContext, batch: IngestBatch): Promise<IngestResult> {
  const lines = lineRows(batch.lines, LINE_KEY);
  const { readings, tokens } = readingRows(batch.readings, READING_KEY, CONTRIBUTION_KEY);
  const rank = { keep_rank: RANK_BASE - ctx.stamp };
  const [inserted, readingsInserted] = await Promise.all([
    insertAbsent(ctx, "usage_lines", lines, lineExtra(ctx)),
    insertAbsent(ctx, "gpu_readings", readings, rank),
    insertAbsent(ctx, "gpu_reading_tokens", tokens, rank),
  ]);
  await insertRows(ctx.client, `${ctx.db}.agent_batches`, [
    {
      agent_id: batch.agentId,
      boot_id: batch.bootId,
      seq: batch.seq,
      received_us: ctx.stamp,
      received: Math.floor(ctx.nowMs / 1000),
      lines: inserted,
      site: batch.site === undefined ? "" : JSON.stringify(batch.site),
      collector: ctx.collector,
    },
  ]);
  return {
    inserted,
    duplicates: batch.lines.length - inserted,
    readingsInserted,
    readingsDuplicates: batch.readings.length - readingsInserted,
  };
}
