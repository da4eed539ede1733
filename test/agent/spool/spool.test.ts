import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FRAME_HEADER_BYTES } from "../../../agent/spool/frame.js";
import { Spool } from "../../../agent/spool/spool.js";
import type { SpoolEvent, SpoolOptions } from "../../../agent/spool/types.js";
import { FaultSpoolFs } from "../../helpers/fault-spool-fs.js";

const silent = pino({ level: "silent" });
const body = (seq: number, n = 64) => Buffer.alloc(n, seq % 251);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tw-spool-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(over: Partial<SpoolOptions> = {}): Promise<Spool> {
  const spool = new Spool({ dir, maxBytes: 1 << 20, logger: silent, ...over });
  await spool.start();
  return spool;
}

async function all(spool: Spool): Promise<{ seq: number; payload: Buffer }[]> {
  const out: { seq: number; payload: Buffer }[] = [];
  for (let e = await spool.nextUnacked(); e; e = await spool.nextUnacked(e.seq)) {
    out.push({ seq: e.seq, payload: Buffer.from(e.payload) });
  }
  return out;
}

async function segments(): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith(".seg")).sort();
}

describe("Spool", () => {
  it("appends durably, reads back in order, and continues sequence numbers after a restart", async () => {
    const fs = new FaultSpoolFs();
    let spool = await open({ fs });
    for (let i = 0; i < 5; i++) {
      const r = await spool.append((seq) => body(seq));
      expect(r).toEqual({ ok: true, seq: i, durable: true });
    }
    expect(fs.datasyncs).toBe(5);
    await spool.shutdown();
    spool = await open();
    expect((await all(spool)).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect((await all(spool)).every((e) => e.payload.equals(body(e.seq)))).toBe(true);
    expect(await spool.append((seq) => body(seq))).toMatchObject({ seq: 5 });
    await spool.shutdown();
  });

  it("deletes a segment only when every batch in it is acknowledged, and persists acks", async () => {
    let spool = await open({ segmentMaxBytes: 300, maxBytes: 1 << 20 });
    for (let i = 0; i < 9; i++) await spool.append((seq) => body(seq));
    // 84-byte frames, 3 per 300-byte segment.
    expect(await segments()).toHaveLength(3);
    spool.ack(0);
    spool.ack(1);
    await spool.nextUnacked(); // runs after the queued deletion
    expect(await segments()).toHaveLength(3);
    spool.ack(2);
    spool.ack(4);
    await spool.nextUnacked();
    expect(await segments()).toHaveLength(2);
    await spool.shutdown();
    spool = await open({ segmentMaxBytes: 300 });
    expect((await all(spool)).map((e) => e.seq)).toEqual([3, 5, 6, 7, 8]);
    for (const s of [3, 5, 6, 7, 8]) spool.ack(s);
    const next = await spool.append((seq) => body(seq));
    expect(next).toMatchObject({ seq: 9 });
    await spool.shutdown();
    spool = await open({ segmentMaxBytes: 300 });
    expect((await all(spool)).map((e) => e.seq)).toEqual([9]);
    expect(await segments()).toHaveLength(1);
    await spool.shutdown();
  });

  it("truncates a torn tail and keeps every whole batch", async () => {
    let spool = await open();
    for (let i = 0; i < 5; i++) await spool.append((seq) => body(seq));
    await spool.shutdown();
    const [seg] = await segments();
    const size = (await readFile(join(dir, seg))).length;
    await truncate(join(dir, seg), size - 7);
    spool = await open();
    expect((await all(spool)).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(spool.counters.tornTailBytes).toBe(84 - 7);
    expect(await spool.append((seq) => body(seq))).toMatchObject({ seq: 5, durable: true });
    await spool.shutdown();
    spool = await open();
    expect((await all(spool)).map((e) => e.seq)).toEqual([0, 1, 2, 3, 5]);
    await spool.shutdown();
  });

  it("skips and counts a CRC mismatch in the middle, keeping the batches before and after", async () => {
    let spool = await open();
    for (let i = 0; i < 5; i++) await spool.append((seq) => body(seq));
    await spool.shutdown();
    const [seg] = await segments();
    const bytes = await readFile(join(dir, seg));
    bytes[2 * 84 + FRAME_HEADER_BYTES + 20] ^= 0x01;
    await writeFile(join(dir, seg), bytes);
    const events: SpoolEvent[] = [];
    spool = await open({ onEvent: (e) => events.push(e) });
    expect((await all(spool)).map((e) => e.seq)).toEqual([0, 1, 3, 4]);
    expect(spool.counters.corruptFrames).toBe(1);
    expect(events).toContainEqual({ type: "corrupt", segment: seg, frames: 1, bytes: 84 });
    await spool.shutdown();
  });

  it("drops the oldest segment past spool_max_bytes, counted and logged", async () => {
    const logs: string[] = [];
    const logger = pino(
      { level: "warn" },
      new Writable({
        write(chunk, _enc, cb) {
          logs.push(String(chunk));
          cb();
        },
      }),
    );
    const events: SpoolEvent[] = [];
    const spool = await open({
      maxBytes: 128 * 1024,
      segmentMaxBytes: 16 * 1024,
      logger,
      onEvent: (e) => events.push(e),
    });
    for (let i = 0; i < 300; i++) await spool.append((seq) => body(seq, 1000));
    const c = spool.counters;
    expect(c.spoolBytes).toBeLessThanOrEqual(128 * 1024);
    expect(c.capDroppedSegments).toBeGreaterThan(0);
    const left = await all(spool);
    expect(c.capDroppedBatches + left.length).toBe(300);
    expect(left.at(-1)?.seq).toBe(299);
    expect(left[0].seq).toBe(c.capDroppedBatches);
    expect(events.filter((e) => e.type === "cap_drop")).toHaveLength(c.capDroppedSegments);
    expect(logs.some((l) => l.includes("spool_max_bytes"))).toBe(true);
    await spool.shutdown();
  });

  it("survives ENOSPC: raises diskFull, queues in memory within a bound, resumes when space returns", async () => {
    const fs = new FaultSpoolFs();
    const events: SpoolEvent[] = [];
    let spool = await open({
      fs,
      memoryMaxBytes: 10 * 84,
      retryIntervalMillis: 20,
      onEvent: (e) => events.push(e),
    });
    for (let i = 0; i < 3; i++) await spool.append((seq) => body(seq));
    fs.failWith = "ENOSPC";
    for (let i = 0; i < 12; i++) {
      expect(await spool.append((seq) => body(seq))).toMatchObject({ ok: true, durable: false });
    }
    const c = spool.counters;
    expect(c.diskFull).toBe(1);
    expect(c.diskFullEvents).toBe(1);
    // Bound 10 frames: the 2 oldest queued (seq 3, 4) dropped.
    expect(c.memoryDroppedBatches).toBe(2);
    expect(c.memoryQueuedBatches).toBe(10);
    expect(events[0]).toMatchObject({ type: "disk_full", code: "ENOSPC" });
    // Shippable from memory meanwhile; an ack there removes it.
    expect((await all(spool)).map((e) => e.seq)).toEqual([
      0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    ]);
    spool.ack(5);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.diskFull).toBe(1);
    fs.failWith = undefined;
    await new Promise((r) => setTimeout(r, 200));
    expect(c.diskFull).toBe(0);
    expect(c.memoryQueuedBatches).toBe(0);
    expect(events.at(-1)).toEqual({ type: "disk_resumed", flushedBatches: 9 });
    expect(await spool.append((seq) => body(seq))).toEqual({ ok: true, seq: 15, durable: true });
    await spool.shutdown();
    spool = await open();
    const seqs = (await all(spool)).map((e) => e.seq);
    expect(seqs).toEqual([0, 1, 2, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect((await all(spool)).every((e) => e.payload.equals(body(e.seq)))).toBe(true);
    await spool.shutdown();
  });

  it("follows the component lifecycle", async () => {
    const never = new Spool({ dir, maxBytes: 1 << 20, logger: silent });
    await never.shutdown();
    await never.shutdown();
    const spool = await open();
    await spool.start();
    await Promise.all([spool.shutdown(), spool.shutdown()]);
    const r = await spool.append((seq) => body(seq));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/TW_ERR_SPOOL_CLOSED/);
  });

  it("rejects a misconfiguration at construction", () => {
    expect(() => new Spool({ dir, maxBytes: 10, logger: silent })).toThrow(
      /TW_ERR_SPOOL_CONFIG.*spool_max_bytes/,
    );
    expect(
      () => new Spool({ dir, maxBytes: 1 << 20, segmentMaxBytes: 1 << 20, logger: silent }),
    ).toThrow(/segmentMaxBytes/);
  });
});
