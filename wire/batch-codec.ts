/**
 * encodeBatch / decodeBatch: usage lines and GPU readings ↔ the bytes of a tokenwatt.v1.Batch.
 * Lossless: every number comes back bit-identical (NaN and −0 included), every string equal.
 * Lines must carry canonical times (`YYYY-MM-DDTHH:mm:ssZ`, 1970…2106).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { UsageLine } from "../kernel/src/usage-line.js";
import { WireError, type WireResult } from "./errors.js";
import type { GpuReading } from "./gpu-reading.js";
import type { LineColumnData } from "./line-columns.js";
import { decodeLines } from "./line-decode.js";
import { encodeLines } from "./line-encode.js";
import { ReadingIndex } from "./line-predictors.js";
import { linesFromColumns } from "./line-rows.js";
import { int64ToNumber, pb } from "./proto.js";
import { decodeReadings, encodeReadings } from "./reading-block.js";
import { StringTable } from "./string-table.js";
import { parseUtcSeconds } from "./utc-seconds.js";

export interface BatchMeta {
  agentId: string;
  /** Random per agent process start. */
  bootId: string;
  /** Spool sequence number, a safe integer ≥ 0. */
  sequence: number;
  createdUnixMs: number;
}

export interface DecodedBatch {
  meta: BatchMeta;
  lines: UsageLine[];
  readings: GpuReading[];
}

/** A decoded batch with its lines as columns (no line objects built). */
export interface DecodedBatchColumns {
  meta: BatchMeta;
  lines: LineColumnData;
  readings: GpuReading[];
}

export interface EncodeOptions {
  /** Raw DEFLATE the body (default true). */
  compress?: boolean;
}

/** A decoded body may not inflate past this: a bound against compression bombs. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;
const MAX_DELTA_S = 0x7fff_ffff;

function fail<T>(error: WireError): WireResult<T> {
  return { ok: false, error };
}

export function encodeBatch(
  lines: readonly UsageLine[],
  readings: readonly GpuReading[],
  meta: BatchMeta,
  options: EncodeOptions = {},
): WireResult<Uint8Array> {
  for (const [field, v] of [
    ["sequence", meta.sequence],
    ["createdUnixMs", meta.createdUnixMs],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) {
      return fail(new WireError("TW_ERR_WIRE_RANGE", `${field} ${v} is not a safe integer ≥ 0`));
    }
  }
  const startS = new Array<number>(lines.length);
  const endS = new Array<number>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    for (const field of ["ChargePeriodStart", "ChargePeriodEnd"] as const) {
      const s = parseUtcSeconds(lines[i][field]);
      if (s === undefined) {
        return fail(
          new WireError("TW_ERR_WIRE_TIME", `"${lines[i][field]}" is not YYYY-MM-DDTHH:mm:ssZ`, {
            row: i,
            field,
          }),
        );
      }
      (field === "ChargePeriodStart" ? startS : endS)[i] = s;
    }
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of [...startS, ...readings.map((r) => r.windowStartS)]) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  const baseS = Number.isFinite(lo) ? lo : 0;
  if (hi - baseS > MAX_DELTA_S) {
    return fail(new WireError("TW_ERR_WIRE_RANGE", "batch spans more than 2^31 s"));
  }
  const strings = new StringTable();
  const readingBlock = encodeReadings(readings, strings, baseS);
  if (readingBlock instanceof WireError) return fail(readingBlock);
  const index = new ReadingIndex(readings);
  const lineBlock = encodeLines(lines, startS, endS, strings, baseS, index);
  if (lineBlock instanceof WireError) return fail(lineBlock);
  const body = pb.BatchBody.encode({
    strings: strings.strings,
    baseStartS: baseS,
    lines: lineBlock,
    readings: readingBlock,
  }).finish();
  const compress = options.compress ?? true;
  const bytes = pb.Batch.encode({
    agentId: meta.agentId,
    bootId: meta.bootId,
    sequence: meta.sequence,
    createdUnixMs: meta.createdUnixMs,
    lineCount: lines.length,
    readingCount: readings.length,
    bodyEncoding: compress
      ? pb.BodyEncoding.BODY_ENCODING_DEFLATE
      : pb.BodyEncoding.BODY_ENCODING_RAW,
    body: compress ? deflateRawSync(body) : body,
  }).finish();
  return { ok: true, value: bytes };
}

/** Decodes only the envelope (no body): what a router or the spool needs. */
export function decodeBatchMeta(bytes: Uint8Array): WireResult<BatchMeta & { lineCount: number }> {
  try {
    const b = pb.Batch.decode(bytes);
    return {
      ok: true,
      value: {
        agentId: b.agentId,
        bootId: b.bootId,
        sequence: int64ToNumber(b.sequence),
        createdUnixMs: int64ToNumber(b.createdUnixMs),
        lineCount: b.lineCount,
      },
    };
  } catch (cause) {
    return fail(new WireError("TW_ERR_WIRE_DECODE", "not a Batch", { cause }));
  }
}

export function decodeBatch(bytes: Uint8Array): WireResult<DecodedBatch> {
  const d = decodeBatchColumns(bytes);
  if (!d.ok) return d;
  const { meta, lines, readings } = d.value;
  return { ok: true, value: { meta, lines: linesFromColumns(lines), readings } };
}

/** decodeBatch without building line objects: what the collector's ingest uses. */
export function decodeBatchColumns(bytes: Uint8Array): WireResult<DecodedBatchColumns> {
  let body: InstanceType<typeof pb.BatchBody>;
  let batch: InstanceType<typeof pb.Batch>;
  try {
    batch = pb.Batch.decode(bytes);
    let raw: Uint8Array;
    if (batch.bodyEncoding === pb.BodyEncoding.BODY_ENCODING_DEFLATE) {
      raw = inflateRawSync(batch.body, { maxOutputLength: MAX_BODY_BYTES });
    } else if (batch.bodyEncoding === pb.BodyEncoding.BODY_ENCODING_RAW) {
      raw = batch.body;
    } else {
      return fail(new WireError("TW_ERR_WIRE_DECODE", `body encoding ${batch.bodyEncoding}`));
    }
    body = pb.BatchBody.decode(raw);
  } catch (cause) {
    return fail(new WireError("TW_ERR_WIRE_DECODE", "malformed batch", { cause }));
  }
  const baseS = body.baseStartS;
  const readings = decodeReadings(body.readings, body.strings, baseS);
  if (readings instanceof WireError) return fail(readings);
  const lines = decodeLines(body.lines, body.strings, baseS, new ReadingIndex(readings));
  if (lines instanceof WireError) return fail(lines);
  if (lines.count !== batch.lineCount || readings.length !== batch.readingCount) {
    return fail(
      new WireError("TW_ERR_WIRE_DECODE", "line or reading count does not match the body"),
    );
  }
  const meta: BatchMeta = {
    agentId: batch.agentId,
    bootId: batch.bootId,
    sequence: int64ToNumber(batch.sequence),
    createdUnixMs: int64ToNumber(batch.createdUnixMs),
  };
  return { ok: true, value: { meta, lines, readings } };
}
