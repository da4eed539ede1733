/**
 * A batch → the columns a commit appends (ingest.ts), validated on the way: a batch with a
 * malformed time or a non-finite number is refused whole (TW_ERR_STORE_BATCH naming the row
 * and field). Pure JavaScript without DuckDB, so it runs off the store's thread: in the
 * collector's stage workers (collector/ingest/stage-pool.ts), or when `ingest` is called.
 */
import { StoreError } from "../errors.js";
import type { IngestBatch, IngestColumnsBatch } from "../types.js";
import {
  type Columnar,
  linesToColumns,
  type ReadingColumns,
  readingsToColumns,
} from "./to-columns.js";
import { tokenCarriers } from "./token-carriers.js";
import { wireLinesToColumns } from "./wire-columns.js";
import { wireReadingsToColumns } from "./wire-readings.js";

/** A validated batch in columns, ready to commit. */
export interface Prepared {
  batch: Omit<IngestBatch, "lines" | "readings">;
  lines: Columnar;
  readings: ReadingColumns;
  /** Per token row, the line that carries it (token-carriers.ts), or -1. */
  tokenLine: Int32Array;
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
  const { agentId, bootId, seq, site } = batch;
  try {
    const rows =
      "keep" in batch
        ? {
            lines: wireLinesToColumns(batch.lines, batch.keep, batch.kept),
            readings: wireReadingsToColumns(agentId, batch.readings),
          }
        : { lines: linesToColumns(batch.lines), readings: readingsToColumns(batch.readings) };
    return {
      // Only the identity: the rows go as columns (a prepared batch may cross threads).
      batch: { agentId, bootId, seq, ...(site === undefined ? {} : { site }) },
      ...rows,
      tokenLine: tokenCarriers(rows.lines, rows.readings),
    };
  } catch (cause) {
    if (cause instanceof StoreError) {
      throw new StoreError(cause.code, cause.message.replace(/^TW_ERR_\w+: /, ""), context);
    }
    throw cause;
  }
}
