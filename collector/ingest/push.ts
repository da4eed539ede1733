/**
 * One Push: authenticate → envelope (agent permitted? within limits?) → stage (stage.ts:
 * decode, validate each line and reading, prepare the store's columns; on a worker thread
 * when the collector runs a stage pool) → store.ingestPrepared, or store.ingest with line
 * objects for a store without it (durable commit) → Ack. The Ack is built only after the
 * commit resolved.
 * Costs and measurements: docs/collector-ingest.md.
 * Outcomes are values: a gRPC error for calls refused before decoding, an Ack otherwise.
 */
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { decodeBatchMeta } from "../../wire/batch-codec.js";
import { type AckMessage, AckStatus } from "../../wire/collector-service.js";
import type { CollectorLimits } from "../config/types.js";
import type { Store } from "../store/types.js";
import { type Identity, mayShipFor } from "./auth.js";
import type { CollectorMetrics } from "./metrics.js";
import { type StageInput, type StageOutcome, stageBatch } from "./stage.js";

/** How many rejected lines an Ack lists (all are counted). */
const MAX_LISTED_REJECTIONS = 20;
/** Windows may start at most this far ahead of the collector's clock (agent clock skew). */
const FUTURE_SKEW_S = 3600;

export interface PushDeps {
  store: Store;
  limits: CollectorLimits;
  metrics: CollectorMetrics;
  logger: Logger;
  afterCommit: () => void;
  nowMs?: () => number;
  /** Runs the decode-and-validate stage (stage-pool.ts); default: inline on this thread. */
  stage?: (input: StageInput) => Promise<StageOutcome>;
}

export type PushOutcome =
  | { ok: true; ack: AckMessage }
  | { ok: false; code: status; message: string };

function ack(
  meta: { agentId: string; bootId: string; sequence: number },
  s: AckMessage["status"],
  message: string,
  extra: Partial<AckMessage> = {},
): AckMessage {
  return {
    agentId: meta.agentId,
    bootId: meta.bootId,
    sequence: meta.sequence,
    status: s,
    linesStored: 0,
    linesDuplicate: 0,
    message,
    ...extra,
  };
}

export async function handlePush(
  bytes: Uint8Array,
  identity: Identity,
  d: PushDeps,
): Promise<PushOutcome> {
  const none = { agentId: "", bootId: "", sequence: 0 };
  const rejected = (meta: typeof none, message: string): PushOutcome => {
    d.metrics.batches.inc({ status: "rejected" });
    d.logger.warn(
      { agent: meta.agentId, seq: meta.sequence, caller: identity.name, err: message },
      "batch rejected",
    );
    return { ok: true, ack: ack(meta, AckStatus.ACK_STATUS_REJECTED, message) };
  };
  if (bytes.length > d.limits.max_batch_bytes) {
    return rejected(
      none,
      `TW_ERR_INGEST_LIMIT: batch is ${bytes.length} bytes; limits.max_batch_bytes is ${d.limits.max_batch_bytes}`,
    );
  }
  const head = decodeBatchMeta(bytes);
  if (!head.ok) return rejected(none, `TW_ERR_INGEST_DECODE: ${head.error.message}`);
  const meta = head.value;
  if (meta.agentId === "") return rejected(meta, "TW_ERR_INGEST_DECODE: batch has no agent id");
  if (!mayShipFor(identity, meta.agentId)) {
    d.metrics.refused.inc({ code: "permission_denied" });
    return {
      ok: false,
      code: status.PERMISSION_DENIED,
      message: `TW_ERR_AUTH_AGENT: caller ${identity.name} (${identity.via}) may not ship for agent "${meta.agentId}"`,
    };
  }
  if (meta.lineCount > d.limits.max_batch_lines) {
    return rejected(
      meta,
      `TW_ERR_INGEST_LIMIT: batch has ${meta.lineCount} lines; limits.max_batch_lines is ${d.limits.max_batch_lines}`,
    );
  }
  const nowMs = (d.nowMs ?? Date.now)();
  const input: StageInput = {
    bytes,
    agentId: meta.agentId,
    bootId: meta.bootId,
    seq: meta.sequence,
    ...(identity.tenants === undefined ? {} : { tenants: identity.tenants }),
    maxStringLength: d.limits.max_string_length,
    maxReadings: d.limits.max_batch_readings,
    latestStartS: Math.floor(nowMs / 1000) + FUTURE_SKEW_S,
    prepared: d.store.ingestPrepared !== undefined,
  };
  const retry = (message: string, what: string, cause?: unknown): PushOutcome => {
    d.metrics.batches.inc({ status: "retry" });
    d.logger.error(
      { agent: meta.agentId, seq: meta.sequence, err: message, cause: String(cause) },
      what,
    );
    return { ok: true, ack: ack(meta, AckStatus.ACK_STATUS_RETRY, message) };
  };
  let staged: StageOutcome;
  try {
    staged = await (d.stage ?? stageBatch)(input);
  } catch (err) {
    return retry((err as Error).message, "batch staging failed");
  }
  if (staged.kind === "rejected") return rejected(meta, staged.message);
  if (staged.kind === "failed") {
    return retry(`TW_ERR_INGEST_STORE: ${staged.message}`, "store refused the batch");
  }
  const t0 = performance.now();
  let result: Awaited<ReturnType<Store["ingest"]>>;
  try {
    const { batch } = staged;
    result = await (batch.form === "prepared"
      ? d.store.ingestPrepared!(batch.value)
      : d.store.ingest(batch.value));
  } catch (err) {
    const message = `TW_ERR_INGEST_STORE: ${(err as Error).message}`;
    return retry(message, "store commit failed", (err as Error).cause);
  }
  d.metrics.commitSeconds.observe((performance.now() - t0) / 1000);
  d.afterCommit();
  d.metrics.batches.inc({ status: "stored" });
  d.metrics.linesIngested.inc(result.inserted);
  d.metrics.linesDuplicate.inc(result.duplicates);
  const { rejected: lineRejects, readingsRejected } = staged;
  if (readingsRejected.length > 0) d.metrics.readingsRejected.inc(readingsRejected.length);
  for (const r of lineRejects) d.metrics.linesRejected.inc({ reason: r.reason });
  let message = "";
  if (lineRejects.length > 0 || readingsRejected.length > 0) {
    const first = lineRejects[0];
    message = [
      lineRejects.length > 0
        ? `${lineRejects.length} line(s) rejected, first: row ${first.row} ${first.reason}: ${first.detail}`
        : "",
      readingsRejected.length > 0
        ? `${readingsRejected.length} reading(s) rejected, first: ${readingsRejected[0]}`
        : "",
    ]
      .filter((s) => s !== "")
      .join("; ");
    d.logger.warn(
      { agent: meta.agentId, seq: meta.sequence, rejected: lineRejects.length },
      message,
    );
  }
  return {
    ok: true,
    ack: ack(meta, AckStatus.ACK_STATUS_STORED, message, {
      linesStored: result.inserted,
      linesDuplicate: result.duplicates,
      linesRejected: lineRejects.length,
      rejections: lineRejects
        .slice(0, MAX_LISTED_REJECTIONS)
        .map(({ row, reason, detail }) => ({ row, reason, detail })),
    }),
  };
}
