/**
 * A Push's CPU-heavy middle, between the envelope checks and the commit: decode the body,
 * validate every line and reading, and turn the batch into what the store takes — prepared
 * columns (DuckDB: store/duckdb/prepare.ts) or line objects (other stores). A pure function
 * of plain data, so the collector runs it in worker threads (stage-pool.ts) beside the
 * thread that commits; `stageBatch` inline is the same code.
 */
import { decodeBatchColumns } from "../../wire/batch-codec.js";
import { lineAt, linesFromColumns, TimeTexts } from "../../wire/line-rows.js";
import { type Prepared, prepare } from "../store/duckdb/prepare.js";
import type { IngestBatch } from "../store/types.js";
import { checkReadings, readingRows, readingSite } from "./readings.js";
import type { Rejection } from "./validate.js";
import { validateColumns } from "./validate-columns.js";

export interface StageInput {
  /** The Push request: a tokenwatt.v1.Batch whose envelope was checked. */
  bytes: Uint8Array;
  agentId: string;
  bootId: string;
  seq: number;
  /** Tenants the caller may ship lines of; absent = any. */
  tenants?: ReadonlySet<string>;
  maxStringLength: number;
  maxReadings: number;
  /** Windows may not start after this (epoch s): the collector's clock plus agent skew. */
  latestStartS: number;
  /** The store takes prepared columns (`ingestPrepared`), not line objects. */
  prepared: boolean;
}

export type StageOutcome =
  /** The batch is refused whole (undecodable, over a limit): Ack REJECTED. */
  | { kind: "rejected"; message: string }
  /** The store's own checks refused it (TW_ERR_STORE_BATCH): Ack RETRY, as a failed commit. */
  | { kind: "failed"; message: string }
  | {
      kind: "staged";
      /** Lines refused, with reasons (the others go on). */
      rejected: Rejection[];
      /** Readings refused, with reasons. */
      readingsRejected: string[];
      batch: { form: "prepared"; value: Prepared } | { form: "objects"; value: IngestBatch };
    };

export function stageBatch(input: StageInput): StageOutcome {
  const decoded = decodeBatchColumns(input.bytes);
  if (!decoded.ok) {
    return { kind: "rejected", message: `TW_ERR_INGEST_DECODE: ${decoded.error.message}` };
  }
  const { lines, readings } = decoded.value;
  if (readings.length > input.maxReadings) {
    return {
      kind: "rejected",
      message: `TW_ERR_INGEST_LIMIT: batch has ${readings.length} readings; limits.max_batch_readings is ${input.maxReadings}`,
    };
  }
  const checked = validateColumns(lines, {
    agentId: input.agentId,
    ...(input.tenants === undefined ? {} : { tenants: input.tenants }),
    maxStringLength: input.maxStringLength,
    latestStartS: input.latestStartS,
  });
  // Readings take the site of the batch's first valid line.
  const first = checked.keep.indexOf(1);
  const site = first < 0 ? undefined : lineAt(lines, first, new TimeTexts());
  const verdict = checkReadings(readings, input.maxStringLength);
  const where = readingSite(site);
  const ids = { agentId: input.agentId, bootId: input.bootId, seq: input.seq };
  const verdicts = { rejected: checked.rejected, readingsRejected: verdict.rejected };
  if (!input.prepared) {
    const value = {
      ...ids,
      lines: linesFromColumns(lines, checked.keep),
      readings: readingRows(input.agentId, readings, verdict.keep, where),
    };
    return { kind: "staged", ...verdicts, batch: { form: "objects", value } };
  }
  try {
    const value = prepare({
      ...ids,
      lines,
      keep: checked.keep,
      kept: checked.valid,
      readings: { rows: readings, keep: verdict.keep, site: where },
    });
    return { kind: "staged", ...verdicts, batch: { form: "prepared", value } };
  } catch (err) {
    return { kind: "failed", message: (err as Error).message };
  }
}

/** The typed-array buffers of an outcome that can move to another thread without a copy. */
export function transferables(outcome: StageOutcome): ArrayBuffer[] {
  if (outcome.kind !== "staged" || outcome.batch.form !== "prepared") return [];
  const { lines, readings, tokenLine } = outcome.batch.value;
  const views: ArrayBufferView[] = [];
  const add = (v: ArrayBufferView | undefined) => {
    if (v !== undefined) views.push(v);
  };
  for (const c of [...lines.columns, ...readings.readings.columns, ...readings.tokens]) {
    if (c !== undefined && c.type !== "VARCHAR") add(c.values);
  }
  for (const v of [lines.timeUs, lines.labels.of, readings.readings.timeUs]) add(v);
  for (const v of [readings.readings.labels.of, readings.tokenLabels.of, readings.owner]) add(v);
  add(tokenLine);
  return wholeBuffers(views);
}

/**
 * The distinct buffers some view spans whole. A view into a larger buffer (a slice of
 * Node's pool, say) is left to be copied: moving that buffer would take memory that other
 * objects of this thread still use.
 */
export function wholeBuffers(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength) {
      out.add(b);
    }
  }
  return [...out];
}
