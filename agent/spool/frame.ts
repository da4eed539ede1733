/**
 * Spool frame layout (little-endian):
 *
 *   0  u32 magic  0x31425754 ("TWB1")
 *   4  u32 len    bytes after the header (8 + payload)
 *   8  u32 crc32  of those len bytes
 *  12  u64 seq    batch sequence number (< 2^53)
 *  20  payload    the encoded Batch
 */
import { crc32 } from "./crc32.js";

export const FRAME_MAGIC = 0x31425754;
export const FRAME_HEADER_BYTES = 12;
const SEQ_BYTES = 8;
/** Larger frames are treated as corruption, not allocated. */
export const MAX_FRAME_BODY_BYTES = 256 * 1024 * 1024;

export function encodeFrame(seq: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + SEQ_BYTES + payload.length);
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(SEQ_BYTES + payload.length, 4);
  frame.writeBigUInt64LE(BigInt(seq), 12);
  frame.set(payload, 20);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 8);
  return frame;
}

/** A frame found in a segment; `payload` is a view into the scanned buffer. */
export interface ScannedFrame {
  offset: number;
  length: number;
  seq: number;
  payload: Buffer;
}

export interface ScanResult {
  frames: ScannedFrame[];
  /** Frames with intact header and length but a CRC mismatch, skipped. */
  crcMismatches: number;
  /** Bytes of skipped frames and of damaged stretches passed while resynchronising. */
  skippedBytes: number;
  /** End of the last good frame: bytes past it are a torn or corrupt tail. */
  validEnd: number;
}

type Probe = { kind: "ok"; frame: ScannedFrame } | { kind: "crc"; end: number } | { kind: "bad" };

function probe(buf: Buffer, p: number): Probe {
  if (buf.length - p < FRAME_HEADER_BYTES + SEQ_BYTES) return { kind: "bad" };
  if (buf.readUInt32LE(p) !== FRAME_MAGIC) return { kind: "bad" };
  const len = buf.readUInt32LE(p + 4);
  if (len < SEQ_BYTES || len > MAX_FRAME_BODY_BYTES) return { kind: "bad" };
  const end = p + FRAME_HEADER_BYTES + len;
  if (end > buf.length) return { kind: "bad" };
  const body = buf.subarray(p + FRAME_HEADER_BYTES, end);
  if (crc32(body) !== buf.readUInt32LE(p + 8)) return { kind: "crc", end };
  const seq = Number(body.readBigUInt64LE(0));
  if (!Number.isSafeInteger(seq)) return { kind: "crc", end };
  return {
    kind: "ok",
    frame: { offset: p, length: end - p, seq, payload: body.subarray(SEQ_BYTES) },
  };
}

/**
 * Scans a segment. A CRC mismatch with a sane header skips that frame; a damaged header
 * resynchronises at the next position where a whole frame checks out. What follows the
 * last good frame is the tail (torn by a crash, or garbage): the caller truncates it.
 */
export function scanFrames(buf: Buffer): ScanResult {
  const frames: ScannedFrame[] = [];
  let crcMismatches = 0;
  let skippedBytes = 0;
  let validEnd = 0;
  let p = 0;
  let pendingCrc = 0;
  let pendingBytes = 0;
  while (p < buf.length) {
    const r = probe(buf, p);
    if (r.kind === "ok") {
      frames.push(r.frame);
      p = r.frame.offset + r.frame.length;
      validEnd = p;
      crcMismatches += pendingCrc;
      skippedBytes += pendingBytes;
      pendingCrc = 0;
      pendingBytes = 0;
      continue;
    }
    if (r.kind === "crc") {
      // Counted only once a good frame follows; a bad last frame is a torn tail.
      pendingCrc++;
      pendingBytes += r.end - p;
      p = r.end;
      continue;
    }
    const next = buf.indexOf(MAGIC_BYTES, p + 1);
    if (next < 0) break;
    let q = next;
    while (q >= 0 && probe(buf, q).kind !== "ok") q = buf.indexOf(MAGIC_BYTES, q + 1);
    if (q < 0) break;
    skippedBytes += q - p + pendingBytes;
    crcMismatches += pendingCrc;
    pendingCrc = 0;
    pendingBytes = 0;
    p = q;
  }
  return { frames, crcMismatches, skippedBytes, validEnd };
}

const MAGIC_BYTES = Buffer.from([0x54, 0x57, 0x42, 0x31]);
