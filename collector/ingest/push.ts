/**
 * One Push: authenticate → envelope (agent permitted? within limits?) → decode to columns →
 * validate each line → store.ingestColumns, or store.ingest with line objects for a store
 * without it (durable commit) → Ack. The Ack is built only after the commit resolved.
 * Costs and measurements: docs/collector-ingest.md.
 * Outcomes are values: a gRPC error for calls refused before decoding, an Ack otherwise.
 */
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { decodeBatchColumns, decodeBatchMeta } from "../../wire/batch-codec.js";
import { type AckMessage, AckStatus } from "../../wire/collector-service.js";
import { lineAt, linesFromColumns, TimeTexts } from "../../wire/line-rows.js";
import type { CollectorLimits } from "../config/types.js";
import type { Store } from "../store/types.js";
import { type Identity, mayShipFor } from "./auth.js";
import type { CollectorMetrics } from "./metrics.js";
import { readingRows } from "./readings.js";
import { validateColumns } from "./validate-columns.js";

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
  const decoded = decodeBatchColumns(bytes);
  if (!decoded.ok) return rejected(meta, `TW_ERR_INGEST_DECODE: ${decoded.error.message}`);
  const { lines, readings } = decoded.value;
  if (readings.length > d.limits.max_batch_readings) {
    return rejected(
      meta,
      `TW_ERR_INGEST_LIMIT: batch has ${readings.length} readings; limits.max_batch_readings is ${d.limits.max_batch_readings}`,
    );
  }
  const nowMs = (d.nowMs ?? Date.now)();
  const checked = validateColumns(lines, {
    agentId: meta.agentId,
    ...(identity.tenants === undefined ? {} : { tenants: identity.tenants }),
    maxStringLength: d.limits.max_string_length,
    latestStartS: Math.floor(nowMs / 1000) + FUTURE_SKEW_S,
  });
  const first = checked.keep.indexOf(1);
  const site = first < 0 ? undefined : lineAt(lines, first, new TimeTexts());
  const rows = readingRows(meta.agentId, readings, site, d.limits.max_string_length);
  const ids = { agentId: meta.agentId, bootId: meta.bootId, seq: meta.sequence };
  const t0 = performance.now();
  let result: Awaited<ReturnType<Store["ingest"]>>;
  try {
    // Stores that take columns get them as decoded; others get line objects.
    result = await (d.store.ingestColumns !== undefined
      ? d.store.ingestColumns({
          ...ids,
          lines,
          keep: checked.keep,
          kept: checked.valid,
          readings: rows.rows,
        })
      : d.store.ingest({
          ...ids,
          lines: linesFromColumns(lines, checked.keep),
          readings: rows.rows,
        }));
  } catch (err) {
    d.metrics.batches.inc({ status: "retry" });
    d.logger.error(
      {
        agent: meta.agentId,
        seq: meta.sequence,
        err: (err as Error).message,
        cause: String((err as Error).cause),
      },
      "store commit failed",
    );
    return {
      ok: true,
      ack: ack(meta, AckStatus.ACK_STATUS_RETRY, `TW_ERR_INGEST_STORE: ${(err as Error).message}`),
    };
  }
  d.metrics.commitSeconds.observe((performance.now() - t0) / 1000);
  d.afterCommit();
  d.metrics.batches.inc({ status: "stored" });
  d.metrics.linesIngested.inc(result.inserted);
  d.metrics.linesDuplicate.inc(result.duplicates);
  if (rows.rejected.length > 0) d.metrics.readingsRejected.inc(rows.rejected.length);
  for (const r of checked.rejected) d.metrics.linesRejected.inc({ reason: r.reason });
  let message = "";
  if (checked.rejected.length > 0 || rows.rejected.length > 0) {
    const first = checked.rejected[0];
    message = [
      checked.rejected.length > 0
        ? `${checked.rejected.length} line(s) rejected, first: row ${first.row} ${first.reason}: ${first.detail}`
        : "",
      rows.rejected.length > 0
        ? `${rows.rejected.length} reading(s) rejected, first: ${rows.rejected[0]}`
        : "",
    ]
      .filter((s) => s !== "")
      .join("; ");
    d.logger.warn(
      { agent: meta.agentId, seq: meta.sequence, rejected: checked.rejected.length },
      message,
    );
  }
  return {
    ok: true,
    ack: ack(meta, AckStatus.ACK_STATUS_STORED, message, {
      linesStored: result.inserted,
      linesDuplicate: result.duplicates,
      linesRejected: checked.rejected.length,
      rejections: checked.rejected
        .slice(0, MAX_LISTED_REJECTIONS)
        .map(({ row, reason, detail }) => ({ row, reason, detail })),
    }),
  };
}
