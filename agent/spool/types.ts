/** The spool's options, counters, events and results. */
import type { Logger } from "pino";
import type { SpoolFs } from "./fs.js";

export interface SpoolOptions {
  /** agent.spool_dir. */
  dir: string;
  /** agent.spool_max_bytes: past it the oldest segment is dropped (counted and logged). */
  maxBytes: number;
  /** Rotation size; default maxBytes / 16 clamped to [64 KiB, 64 MiB]; at most maxBytes / 2. */
  segmentMaxBytes?: number;
  /** Bound of the in-memory queue while the disk refuses writes; default 64 MiB. */
  memoryMaxBytes?: number;
  /** How often a refused disk is retried; default 5000 ms. */
  retryIntervalMillis?: number;
  /** How often acknowledgements are persisted; default 1000 ms (bounds resends after a crash). */
  ackFlushIntervalMillis?: number;
  logger: Logger;
  fs?: SpoolFs;
  onEvent?: (event: SpoolEvent) => void;
}

/** Every drop and fault, as the metrics module exports them (all monotonic except gauges). */
export interface SpoolCounters {
  appendedBatches: number;
  appendedBytes: number;
  ackedBatches: number;
  segmentsCreated: number;
  segmentsDeleted: number;
  /** Size-cap drops: oldest segments removed with unacknowledged batches. */
  capDroppedSegments: number;
  capDroppedBatches: number;
  capDroppedBytes: number;
  /** Frames skipped on recovery or read for a CRC mismatch or a damaged header. */
  corruptFrames: number;
  corruptBytes: number;
  tornTailBytes: number;
  /** Write or fsync failures (ENOSPC, EIO, …). */
  writeErrors: number;
  diskFullEvents: number;
  /** Batches dropped from the in-memory queue because it was full (oldest first). */
  memoryDroppedBatches: number;
  /** Gauges. */
  diskFull: number;
  memoryQueuedBatches: number;
  memoryQueuedBytes: number;
  spoolBytes: number;
  unackedBatches: number;
}

export type SpoolEvent =
  | { type: "cap_drop"; segment: string; batches: number; bytes: number }
  | { type: "disk_full"; code: string; message: string }
  | { type: "disk_resumed"; flushedBatches: number }
  | { type: "memory_drop"; seq: number; bytes: number }
  | { type: "corrupt"; segment: string; frames: number; bytes: number }
  | { type: "torn_tail"; segment: string; bytes: number };

/** `durable: false`: held in memory because the disk refused it (ENOSPC); written later. */
export type AppendResult =
  | { ok: true; seq: number; durable: boolean }
  | { ok: false; error: Error };

export interface SpoolEntry {
  seq: number;
  payload: Uint8Array;
}

export function newCounters(): SpoolCounters {
  return {
    appendedBatches: 0,
    appendedBytes: 0,
    ackedBatches: 0,
    segmentsCreated: 0,
    segmentsDeleted: 0,
    capDroppedSegments: 0,
    capDroppedBatches: 0,
    capDroppedBytes: 0,
    corruptFrames: 0,
    corruptBytes: 0,
    tornTailBytes: 0,
    writeErrors: 0,
    diskFullEvents: 0,
    memoryDroppedBatches: 0,
    diskFull: 0,
    memoryQueuedBatches: 0,
    memoryQueuedBytes: 0,
    spoolBytes: 0,
    unackedBatches: 0,
  };
}
