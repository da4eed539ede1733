/**
 * The agent's durable spool: append-only segment files of CRC-framed batches (frame.ts),
 * fdatasync at every batch, a segment deleted only when every batch in it is acknowledged.
 *
 * Contracts:
 * - `append` resolves `{ durable: true }` only after the frame is fdatasync'ed: such a batch
 *   survives kill -9 and power loss. Sequence numbers follow call order and are never reused.
 * - When the disk refuses a write (ENOSPC, EIO, …) the agent does not crash: batches go to an
 *   in-memory queue bounded by `memoryMaxBytes` (when full: the oldest batch is dropped and
 *   counted), `counters.diskFull` is raised and logged, and writing resumes when a periodic
 *   retry succeeds. Queued batches can be shipped (and acked) from memory meanwhile.
 * - Past `maxBytes` the oldest segment is dropped, its unacknowledged batches counted and logged.
 * - Acks are persisted every `ackFlushIntervalMillis`, before any segment is deleted, and on
 *   shutdown, so a restart resends at most one interval's worth of acknowledged batches.
 * - After shutdown, `append` returns TW_ERR_SPOOL_CLOSED and nothing is written.
 */
import type { Component } from "../sources/types.js";
import { loadAckState, saveAckState } from "./ack-state.js";
import { SpoolError } from "./errors.js";
import { encodeFrame } from "./frame.js";
import { nodeSpoolFs, type SpoolFs } from "./fs.js";
import { SegmentStore } from "./segment-store.js";
import { SpoolLog } from "./spool-log.js";
import {
  type AppendResult,
  newCounters,
  type SpoolCounters,
  type SpoolEntry,
  type SpoolEvent,
  type SpoolOptions,
} from "./types.js";

const KIB = 1024;
const MIB = 1024 * KIB;

interface Settings {
  segmentMaxBytes: number;
  memoryMaxBytes: number;
  retryIntervalMillis: number;
  ackFlushIntervalMillis: number;
}

function settings(o: SpoolOptions): Settings {
  const bad = (key: string, fix: string) =>
    new SpoolError("TW_ERR_SPOOL_CONFIG", `${key}: ${fix}`, { path: o.dir });
  if (!Number.isSafeInteger(o.maxBytes) || o.maxBytes < 128 * KIB) {
    throw bad("agent.spool_max_bytes", "must be an integer ≥ 131072");
  }
  const segmentMaxBytes =
    o.segmentMaxBytes ?? Math.min(64 * MIB, Math.max(64 * KIB, Math.floor(o.maxBytes / 16)));
  if (
    !Number.isSafeInteger(segmentMaxBytes) ||
    segmentMaxBytes < 1 ||
    segmentMaxBytes > o.maxBytes / 2
  ) {
    throw bad("segmentMaxBytes", "must be an integer in 1 … spool_max_bytes / 2");
  }
  const s: Settings = {
    segmentMaxBytes,
    memoryMaxBytes: o.memoryMaxBytes ?? 64 * MIB,
    retryIntervalMillis: o.retryIntervalMillis ?? 5000,
    ackFlushIntervalMillis: o.ackFlushIntervalMillis ?? 1000,
  };
  for (const [k, v] of Object.entries(s)) {
    if (!(Number.isFinite(v) && v > 0)) throw bad(k, "must be a positive number");
  }
  return s;
}

export class Spool implements Component {
  readonly counters: SpoolCounters = newCounters();
  private readonly fs: SpoolFs;
  private readonly s: Settings;
  private readonly log: SpoolLog;
  private state: "new" | "open" | "closed" = "new";
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private store!: SegmentStore;
  private nextSeq = 0;
  private ackDirty = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SpoolOptions) {
    this.s = settings(options);
    this.fs = options.fs ?? nodeSpoolFs;
    this.log = new SpoolLog(options.logger, this.counters, (e: SpoolEvent) => options.onEvent?.(e));
  }

  start(): Promise<void> {
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    await this.fs.mkdirp(this.options.dir);
    const acks = await loadAckState(this.fs, this.options.dir);
    this.store = new SegmentStore(this.fs, this.options.dir, this.s, this.counters, this.log);
    const lastSeq = await this.store.recover(acks);
    this.nextSeq = Math.max(acks.nextSeq, lastSeq + 1);
    await this.persistAcks();
    await this.store.deleteSettled();
    this.state = "open";
    this.ackTimer = setInterval(
      () => this.tick(() => this.flushAcks()),
      this.s.ackFlushIntervalMillis,
    );
    this.ackTimer.unref();
    this.log.info(
      { dir: this.options.dir, nextSeq: this.nextSeq, ...this.store.summary() },
      "spool: open",
    );
  }

  /** Serialises every file mutation and read, in call order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Background work never rejects: failures are logged and retried next tick. */
  private tick(fn: () => Promise<void>): void {
    this.exclusive(fn).catch((err: unknown) =>
      this.log.error({ err }, "spool: background task failed"),
    );
  }

  /** Frames and stores one batch; `encode` gets the batch's sequence number. */
  async append(encode: (seq: number) => Uint8Array): Promise<AppendResult> {
    if (this.state !== "open") {
      return {
        ok: false,
        error: new SpoolError("TW_ERR_SPOOL_CLOSED", "spool is not open", {
          path: this.options.dir,
        }),
      };
    }
    const seq = this.nextSeq++;
    let frame: Buffer;
    try {
      frame = encodeFrame(seq, encode(seq));
    } catch (cause) {
      return {
        ok: false,
        error: new SpoolError("TW_ERR_SPOOL_IO", `encoding batch ${seq} failed`, { cause }),
      };
    }
    return this.exclusive(async () => {
      this.counters.appendedBatches++;
      this.counters.appendedBytes += frame.length;
      const durable = await this.store.write(seq, frame);
      if (!durable) this.armRetry();
      await this.dropOverCap();
      return { ok: true, seq, durable };
    });
  }

  private armRetry(): void {
    if (this.retryTimer || this.state === "closed") return;
    this.retryTimer = setInterval(
      () => this.tick(() => this.retryDisk()),
      this.s.retryIntervalMillis,
    );
    this.retryTimer.unref();
  }

  private async retryDisk(): Promise<void> {
    if (await this.store.flushMemory()) {
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
      await this.dropOverCap();
    }
  }

  private async dropOverCap(): Promise<void> {
    if (this.store.overCap(this.options.maxBytes)) {
      await this.persistAcks();
      await this.store.dropOldest(this.options.maxBytes);
    }
  }

  /**
   * The first batch with seq > afterSeq not yet acknowledged, from disk or the memory
   * queue; undefined when there is none. Frames that fail their CRC on read are counted,
   * settled as lost, and passed over.
   */
  nextUnacked(afterSeq = -1): Promise<SpoolEntry | undefined> {
    if (this.state !== "open") return Promise.resolve(undefined);
    return this.exclusive(() => this.store.nextUnacked(afterSeq));
  }

  /** Marks a batch acknowledged; its segment is deleted once all its batches are. */
  ack(seq: number): void {
    if (this.state !== "open" || !this.store.ack(seq)) return;
    this.counters.ackedBatches++;
    this.ackDirty = true;
    if (this.store.hasSettledSegment()) {
      this.tick(async () => {
        await this.persistAcks();
        await this.store.deleteSettled();
      });
    }
  }

  private async flushAcks(): Promise<void> {
    if (this.ackDirty) await this.persistAcks();
  }

  private async persistAcks(): Promise<void> {
    this.ackDirty = false;
    try {
      await saveAckState(this.fs, this.options.dir, this.store.ackState(this.nextSeq));
    } catch (err) {
      // Lost acks only cost resends; a full disk is already reported by the writer.
      this.ackDirty = true;
      this.log.warn({ err }, "spool: could not persist acknowledgements");
    }
  }

  shutdown(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    const wasOpen = this.starting !== undefined;
    if (wasOpen) await this.starting!.catch(() => undefined);
    const open = this.state === "open";
    this.state = "closed";
    clearInterval(this.retryTimer);
    clearInterval(this.ackTimer);
    this.retryTimer = undefined;
    this.ackTimer = undefined;
    if (!open) return;
    await this.exclusive(async () => {
      await this.store.flushMemory();
      await this.persistAcks();
      await this.store.close();
    });
    const lost = this.counters.memoryQueuedBatches;
    if (lost > 0)
      this.log.error(
        { batches: lost },
        "spool: shut down with batches only in memory (disk refused them)",
      );
  }
}
