/**
 * Spool faults end to end through the shipper: (1) a segment with a corrupted frame and a
 * torn tail — recovery keeps and ships every valid batch and counts the loss on /metrics;
 * (2) ENOSPC from the filesystem layer — sampling goes on, lines wait in memory (and still
 * ship), the disk-full gauge is raised, and writing resumes when space returns.
 */
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { registerShipMetrics } from "../../agent/shipper/metrics.js";
import { SpoolShipperSink } from "../../agent/shipper/sink.js";
import { scanFrames } from "../../agent/spool/frame.js";
import { Spool } from "../../agent/spool/spool.js";
import { realisticBatch } from "../../bench/wire/realistic-batch.js";
import type { Collector } from "../../collector/collector.js";
import { startTestCollector, testCollectorConfig } from "../helpers/collector-harness.js";
import { FaultSpoolFs } from "../helpers/fault-spool-fs.js";
import {
  AGENT,
  LINES_PER_WINDOW,
  plaintextShipper,
  spoolBatches,
  until,
} from "../helpers/spooled-batches.js";
import { linesOnlyWindow } from "../helpers/window-result.js";

const silent = pino({ level: "silent" });
let dir = "";
let collector: Collector | undefined;

afterEach(async () => {
  await collector?.shutdown();
  collector = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("spool faults through the shipper", () => {
  it("ships every valid batch of a corrupted, truncated segment and counts the loss", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-spool-damage-"));
    const spoolDir = join(dir, "spool");
    const options = { dir: spoolDir, maxBytes: 1 << 20, logger: silent };
    const writer = new Spool(options);
    await writer.start();
    const seqs = await spoolBatches(writer, 6);
    await writer.shutdown();

    const [segment] = (await readdir(spoolDir)).filter((f) => f.endsWith(".seg"));
    const path = join(spoolDir, segment);
    const bytes = await readFile(path);
    const frames = scanFrames(bytes).frames;
    expect(frames.map((f) => f.seq)).toEqual(seqs);
    bytes[frames[2].offset + 40] ^= 0xff; // inside batch 2's payload: a CRC mismatch
    await writeFile(path, bytes);
    await truncate(path, frames[5].offset + Math.floor(frames[5].length / 2)); // torn last frame

    collector = await startTestCollector(testCollectorConfig(dir));
    const spool = new Spool(options);
    const registry = new Registry();
    const shipper = plaintextShipper(spool, collector.address);
    registerShipMetrics(registry, {
      spool: spool.counters,
      shipper: shipper.counters,
      encodeErrors: () => 0,
      pendingLines: () => 0,
    });
    await spool.start();
    shipper.start();
    await until(() => spool.counters.unackedBatches === 0, 30_000, "spool drained");
    await shipper.stop(1000);
    await spool.shutdown();

    expect(shipper.counters.ackedBatches).toBe(4); // batches 0, 1, 3, 4
    expect((await collector.store.lineTotals()).lines).toBe(4 * 2 * LINES_PER_WINDOW);
    const text = await registry.metrics();
    expect(text).toMatch(/tokenwatt_spool_corrupt_frames_total 1/);
    expect(text).toMatch(/tokenwatt_spool_torn_tail_bytes_total [1-9]/);
  });

  it("keeps sampling through ENOSPC, ships from memory, resumes writing when space returns", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-enospc-"));
    collector = await startTestCollector(testCollectorConfig(dir));
    const fs = new FaultSpoolFs();
    const sink = new SpoolShipperSink({
      agentId: AGENT,
      windowS: 60,
      collector: {
        urls: [collector.address],
        batch_max_lines: 5000,
        batch_max_delay_s: 5,
        allow_plaintext: true,
      },
      spool: { dir: join(dir, "spool"), maxBytes: 1 << 20, fs, retryIntervalMillis: 100 },
      logger: silent,
      shipper: { backoff: { initialMillis: 20, maxMillis: 200 }, idlePollMillis: 50 },
    });
    const registry = new Registry();
    sink.registerMetrics(registry);
    await sink.start();
    const WINDOWS = 6;
    const startS = 1_767_225_600;
    const { lines } = realisticBatch(WINDOWS, 9, startS);
    const write = (w: number) =>
      sink.write(
        lines.slice(w * LINES_PER_WINDOW, (w + 1) * LINES_PER_WINDOW),
        linesOnlyWindow(startS + w * 60, 60),
      );

    await write(0);
    fs.failWith = "ENOSPC";
    for (let w = 1; w < 4; w++) await write(w); // never throws, never blocks on the disk
    expect(sink.spool.counters.diskFull).toBe(1);
    expect(await registry.metrics()).toMatch(/tokenwatt_spool_disk_full 1/);
    // Batches held in memory still ship.
    await until(() => sink.shipper.counters.ackedBatches === 4, 30_000, "memory batches shipped");

    fs.failWith = undefined;
    await until(() => sink.spool.counters.diskFull === 0, 30_000, "disk writes resumed");
    for (let w = 4; w < WINDOWS; w++) await write(w);
    await sink.shutdown();
    expect(sink.spool.counters.diskFullEvents).toBeGreaterThanOrEqual(1);
    expect(sink.spool.counters.memoryDroppedBatches).toBe(0);
    expect((await collector.store.lineTotals()).lines).toBe(WINDOWS * LINES_PER_WINDOW);
  });
});
