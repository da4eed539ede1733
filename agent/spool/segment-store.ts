/**
 * The spool's state under its lock (Spool serialises every call): segments on disk, the
 * active segment's writer, the in-memory queue used while the disk refuses writes, and
 * which batches are acknowledged.
 */
import { join } from "node:path";
import type { AckState } from "./ack-state.js";
import { FRAME_HEADER_BYTES, scanFrames } from "./frame.js";
import type { SpoolFs } from "./fs.js";
import { newSegment, recoverSegments, type Segment, segmentName } from "./segment.js";
import type { SpoolLog } from "./spool-log.js";
import type { SpoolCounters, SpoolEntry } from "./types.js";

interface MemEntry {
  seq: number;
  frame: Buffer;
}

const FULL_CODES = new Set(["ENOSPC", "EDQUOT"]);

function errCode(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "EUNKNOWN";
}

/** Index of the first element > x in an increasing array. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SegmentStore {
  private segments: Segment[] = [];
  private mem: MemEntry[] = [];
  /** Set while the disk refuses writes: the error code. */
  private refused: string | undefined;

  constructor(
    private readonly fs: SpoolFs,
    private readonly dir: string,
    private readonly s: { segmentMaxBytes: number; memoryMaxBytes: number },
    private readonly c: SpoolCounters,
    private readonly log: SpoolLog,
  ) {}

  /** Returns the highest seq found on disk (−1 when none). */
  async recover(acks: AckState): Promise<number> {
    const above = new Set(acks.above);
    this.segments = await recoverSegments({
      fs: this.fs,
      dir: this.dir,
      log: this.log,
      isAcked: (seq) => seq <= acks.ackedThrough || above.has(seq),
    });
    this.recount();
    const last = this.segments.findLast((g) => g.seqs.length > 0);
    return last ? last.seqs[last.seqs.length - 1] : -1;
  }

  private recount(): void {
    this.c.spoolBytes = this.segments.reduce((a, g) => a + g.bytes, 0);
    this.c.unackedBatches = this.segments.reduce((a, g) => a + g.unacked, 0) + this.mem.length;
    this.c.memoryQueuedBatches = this.mem.length;
    this.c.memoryQueuedBytes = this.mem.reduce((a, m) => a + m.frame.length, 0);
  }

  summary(): { segments: number; bytes: number; unacked: number } {
    return {
      segments: this.segments.length,
      bytes: this.c.spoolBytes,
      unacked: this.c.unackedBatches,
    };
  }

  /** Writes one frame durably, or queues it in memory when the disk refuses; true = durable. */
  async write(seq: number, frame: Buffer): Promise<boolean> {
    if (this.refused === undefined) {
      try {
        await this.writeFrame(seq, frame);
        this.recount();
        return true;
      } catch (err) {
        this.onRefused(err);
      }
    }
    this.mem.push({ seq, frame });
    while (this.mem.length > 1 && this.memBytes() > this.s.memoryMaxBytes) {
      const dropped = this.mem.shift()!;
      this.c.memoryDroppedBatches++;
      this.log.emit({ type: "memory_drop", seq: dropped.seq, bytes: dropped.frame.length });
      this.log.error(
        { seq: dropped.seq, bytes: dropped.frame.length, memoryMaxBytes: this.s.memoryMaxBytes },
        "spool: memory queue full while the disk refuses writes; dropped the oldest batch",
      );
    }
    this.recount();
    return false;
  }

  private memBytes(): number {
    return this.mem.reduce((a, m) => a + m.frame.length, 0);
  }

  private onRefused(err: unknown): void {
    const code = errCode(err);
    this.c.writeErrors++;
    if (this.refused !== undefined) return;
    this.refused = code;
    if (FULL_CODES.has(code)) {
      this.c.diskFull = 1;
      this.c.diskFullEvents++;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.log.emit({ type: "disk_full", code, message });
    this.log.error(
      { err, code, dir: this.dir, memoryMaxBytes: this.s.memoryMaxBytes },
      "spool: disk refuses writes; keeping batches in memory and retrying",
    );
  }

  /** Writes the memory queue to disk in order; true when it is empty and the disk accepts writes. */
  async flushMemory(): Promise<boolean> {
    if (this.refused === undefined) return true;
    let flushed = 0;
    while (this.mem.length > 0) {
      const m = this.mem[0];
      try {
        await this.writeFrame(m.seq, m.frame);
      } catch (err) {
        this.c.writeErrors++;
        this.log.warn(
          { code: errCode(err), queued: this.mem.length },
          "spool: disk still refuses writes",
        );
        this.recount();
        return false;
      }
      this.mem.shift();
      flushed++;
    }
    this.refused = undefined;
    this.c.diskFull = 0;
    this.recount();
    this.log.emit({ type: "disk_resumed", flushedBatches: flushed });
    this.log.info({ flushedBatches: flushed }, "spool: disk accepts writes again");
    return true;
  }

  private async writeFrame(seq: number, frame: Buffer): Promise<void> {
    let active = this.segments.at(-1);
    if (
      !active?.file ||
      (active.bytes + frame.length > this.s.segmentMaxBytes && active.seqs.length > 0)
    ) {
      active = await this.rotate(seq);
    }
    const pos = active.bytes;
    try {
      await active.file!.write(frame, pos);
      await active.file!.datasync();
    } catch (err) {
      // Undo a partial write so the segment ends on a frame boundary; recovery would truncate anyway.
      await active.file!.truncate(pos).catch(() => undefined);
      throw err;
    }
    active.seqs.push(seq);
    active.offsets.push(pos);
    active.lengths.push(frame.length);
    active.acked.push(false);
    active.unacked++;
    active.bytes += frame.length;
  }

  private async rotate(seq: number): Promise<Segment> {
    const prev = this.segments.at(-1);
    const seg = newSegment(
      this.dir,
      seq,
      await this.fs.open(join(this.dir, segmentName(seq)), "create"),
    );
    try {
      await this.fs.syncDir(this.dir);
    } catch (err) {
      await seg.file!.close().catch(() => undefined);
      await this.fs.unlink(seg.path).catch(() => undefined);
      throw err;
    }
    if (prev?.file) {
      await prev.file.close();
      prev.file = undefined;
    }
    this.segments.push(seg);
    this.c.segmentsCreated++;
    return seg;
  }

  overCap(maxBytes: number): boolean {
    return this.c.spoolBytes > maxBytes && this.segments.length > 1;
  }

  /** Drops the oldest segments (never the active one) until the spool fits in maxBytes. */
  async dropOldest(maxBytes: number): Promise<void> {
    while (this.overCap(maxBytes)) {
      const seg = this.segments[0];
      await this.remove(seg);
      if (seg.unacked > 0) {
        this.c.capDroppedSegments++;
        this.c.capDroppedBatches += seg.unacked;
        this.c.capDroppedBytes += seg.bytes;
        this.log.emit({
          type: "cap_drop",
          segment: seg.name,
          batches: seg.unacked,
          bytes: seg.bytes,
        });
        this.log.error(
          { segment: seg.path, batches: seg.unacked, bytes: seg.bytes, maxBytes },
          "spool: over agent.spool_max_bytes; dropped the oldest segment with unacknowledged batches",
        );
      }
      this.recount();
    }
  }

  private async remove(seg: Segment): Promise<void> {
    await seg.file?.close();
    seg.file = undefined;
    await this.fs.unlink(seg.path);
    await this.fs.syncDir(this.dir);
    this.segments.splice(this.segments.indexOf(seg), 1);
    this.c.segmentsDeleted++;
  }

  /** True when a segment other than the active one has every batch acknowledged. */
  hasSettledSegment(): boolean {
    return this.segments.some((g, i) => g.unacked === 0 && i < this.segments.length - 1);
  }

  async deleteSettled(): Promise<void> {
    for (const seg of this.segments.filter(
      (g, i) => g.unacked === 0 && i < this.segments.length - 1,
    )) {
      await this.remove(seg);
    }
    // An empty or fully acknowledged last segment goes too once it is not being appended to.
    const last = this.segments.at(-1);
    if (last && last.unacked === 0 && !last.file) await this.remove(last);
    this.recount();
  }

  private locate(seq: number): { seg: Segment; i: number } | undefined {
    const firsts = this.segments.map((g) => (g.seqs.length ? g.seqs[0] : Number.POSITIVE_INFINITY));
    for (let k = upperBound(firsts, seq) - 1; k >= 0; k--) {
      const seg = this.segments[k];
      const i = upperBound(seg.seqs, seq) - 1;
      if (i >= 0 && seg.seqs[i] === seq) return { seg, i };
      if (seg.seqs.length) return undefined;
    }
    return undefined;
  }

  /** Marks seq acknowledged; false when it is unknown or already acknowledged. */
  ack(seq: number): boolean {
    const m = this.mem.findIndex((e) => e.seq === seq);
    if (m >= 0) {
      this.mem.splice(m, 1);
      this.recount();
      return true;
    }
    const at = this.locate(seq);
    if (!at || at.seg.acked[at.i]) return false;
    at.seg.acked[at.i] = true;
    at.seg.unacked--;
    this.c.unackedBatches--;
    return true;
  }

  async nextUnacked(afterSeq: number): Promise<SpoolEntry | undefined> {
    for (const seg of this.segments) {
      if (seg.unacked === 0 || seg.seqs.length === 0 || seg.seqs[seg.seqs.length - 1] <= afterSeq)
        continue;
      for (let i = upperBound(seg.seqs, afterSeq); i < seg.seqs.length; i++) {
        if (seg.acked[i]) continue;
        const entry = await this.readEntry(seg, i);
        if (entry) return entry;
      }
    }
    const m = this.mem.find((e) => e.seq > afterSeq);
    return m ? { seq: m.seq, payload: m.frame.subarray(FRAME_HEADER_BYTES + 8) } : undefined;
  }

  private async readEntry(seg: Segment, i: number): Promise<SpoolEntry | undefined> {
    const buf = Buffer.allocUnsafe(seg.lengths[i]);
    const file = seg.file ?? (await this.fs.open(seg.path, "read"));
    try {
      await file.read(buf, seg.offsets[i]);
    } finally {
      if (file !== seg.file) await file.close();
    }
    const frame = scanFrames(buf).frames[0];
    if (frame && frame.seq === seg.seqs[i] && frame.length === buf.length) {
      return { seq: frame.seq, payload: frame.payload };
    }
    // Damaged since recovery (bit rot): counted, settled as lost, passed over.
    this.c.corruptFrames++;
    this.c.corruptBytes += buf.length;
    this.log.emit({ type: "corrupt", segment: seg.name, frames: 1, bytes: buf.length });
    this.log.error(
      { segment: seg.path, seq: seg.seqs[i] },
      "spool: batch failed its CRC on read; skipped",
    );
    this.ack(seg.seqs[i]);
    return undefined;
  }

  ackState(nextSeq: number): AckState {
    let lowest = nextSeq;
    const above: number[] = [];
    for (const seg of this.segments) {
      seg.seqs.forEach((seq, i) => {
        if (!seg.acked[i]) lowest = Math.min(lowest, seq);
      });
    }
    for (const m of this.mem) lowest = Math.min(lowest, m.seq);
    for (const seg of this.segments) {
      seg.seqs.forEach((seq, i) => {
        if (seg.acked[i] && seq > lowest) above.push(seq);
      });
    }
    return { ackedThrough: lowest - 1, above, nextSeq };
  }

  async close(): Promise<void> {
    for (const seg of this.segments) {
      await seg.file?.close();
      seg.file = undefined;
    }
  }
}
