import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { SpoolShipperSink } from "../../../agent/shipper/sink.js";
import { realisticBatch } from "../../../bench/wire/realistic-batch.js";
import type { Collector } from "../../../collector/collector.js";
import { startTestCollector, testCollectorConfig } from "../../helpers/collector-harness.js";
import { linesOnlyWindow } from "../../helpers/window-result.js";

const START_S = 1_767_225_600;
let dir = "";
let collector: Collector | undefined;

afterEach(async () => {
  await collector?.shutdown();
  collector = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sinkFor(
  url: string,
  o: { batchMaxLines?: number; delayS?: number; windowS?: number } = {},
) {
  return new SpoolShipperSink({
    agentId: "fra2-r12-h03",
    windowS: o.windowS ?? 60,
    collector: {
      urls: [url],
      batch_max_lines: o.batchMaxLines ?? 5000,
      batch_max_delay_s: o.delayS ?? 5,
      allow_plaintext: true,
    },
    spool: { dir: join(dir, "spool"), maxBytes: 1 << 20 },
    logger: pino({ level: process.env.TW_TEST_LOG ?? "silent" }),
    shipper: { backoff: { initialMillis: 20, maxMillis: 200 } },
  });
}

describe("SpoolShipperSink", () => {
  it("spools each window, ships it and the collector stores every line once", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-sink-"));
    collector = await startTestCollector(testCollectorConfig(dir));
    const sink = sinkFor(collector.address);
    const registry = new Registry();
    sink.registerMetrics(registry);
    const { lines } = realisticBatch(5, 3, START_S);
    for (let w = 0; w < 5; w++) {
      const own = lines.filter((l) => l.ChargePeriodStart === lines[w * 24].ChargePeriodStart);
      await sink.write(own, linesOnlyWindow(START_S + w * 60, 60));
    }
    // window_s 60 ≥ batch_max_delay_s 5: each window is its own durable batch at once.
    expect(sink.spool.counters.appendedBatches).toBe(5);
    await sink.shutdown();
    await sink.shutdown();
    expect((await collector.store.lineTotals()).lines).toBe(lines.length);
    const text = await registry.metrics();
    expect(text).toMatch(/tokenwatt_ship_acked_batches_total 5/);
    expect(text).toMatch(/tokenwatt_spool_unacked_batches 0/);
  });

  it("batches windows up to batch_max_lines when windows are shorter than the delay", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-sink-"));
    collector = await startTestCollector(testCollectorConfig(dir));
    const sink = sinkFor(collector.address, { batchMaxLines: 48, delayS: 600, windowS: 60 });
    const { lines } = realisticBatch(4, 5, START_S);
    for (let w = 0; w < 4; w++) {
      await sink.write(lines.slice(w * 24, w * 24 + 24), linesOnlyWindow(START_S + w * 60, 60));
    }
    expect(sink.spool.counters.appendedBatches).toBe(2);
    await sink.shutdown();
    expect((await collector.store.lineTotals()).lines).toBe(96);
  });
});
