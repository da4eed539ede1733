/**
 * The Collector gRPC service (proto/tokenwatt/v1/collector.proto) for grpc-js, with the
 * generated codecs instead of a second proto parser. A Push request travels as the Batch's
 * encoded bytes: the agent ships the spool's bytes unchanged and the collector decodes them
 * once, with decodeBatch (errors as values). Acks are encoded and decoded by protobufjs.
 */
import type { ServiceDefinition } from "@grpc/grpc-js";
import { int64ToNumber, pb, type tokenwatt } from "./proto.js";

export const COLLECTOR_SERVICE_NAME = "tokenwatt.v1.Collector";

export const AckStatus = pb.AckStatus;

/** An Ack with numbers for its 64-bit field. */
export interface AckMessage {
  agentId: string;
  bootId: string;
  sequence: number;
  status: tokenwatt.v1.AckStatus;
  linesStored: number;
  linesDuplicate: number;
  message: string;
  /** Lines refused by validation; optional on encode (0). */
  linesRejected?: number;
  /** The first rejected lines, with reasons; optional on encode (none). */
  rejections?: LineRejection[];
}

/** One line refused by the collector: its row in the batch and a stable reason code. */
export interface LineRejection {
  row: number;
  reason: string;
  detail: string;
}

export function encodeAck(ack: AckMessage): Buffer {
  const bytes = pb.Ack.encode(ack).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeAck(buf: Uint8Array): AckMessage {
  const a = pb.Ack.decode(buf);
  return {
    agentId: a.agentId,
    bootId: a.bootId,
    sequence: int64ToNumber(a.sequence),
    status: a.status,
    linesStored: a.linesStored,
    linesDuplicate: a.linesDuplicate,
    message: a.message,
    linesRejected: a.linesRejected,
    rejections: a.rejections.map((r) => ({
      row: r.row ?? 0,
      reason: r.reason ?? "",
      detail: r.detail ?? "",
    })),
  };
}

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** `server.addService(collectorService, { push })` / `makeGenericClientConstructor(collectorService)`. */
export const collectorService = {
  push: {
    path: `/${COLLECTOR_SERVICE_NAME}/Push`,
    requestStream: false,
    responseStream: false,
    requestSerialize: asBuffer,
    requestDeserialize: (buf: Buffer): Uint8Array => buf,
    responseSerialize: encodeAck,
    responseDeserialize: decodeAck,
    originalName: "Push",
  },
} satisfies ServiceDefinition;
