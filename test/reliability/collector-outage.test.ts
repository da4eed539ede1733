/**
 * The collector is down for a minute during a live run (the real agent CLI against the
 * simulator, recording its scrapes). The agent keeps metering into its spool, retries with
 * backoff, and when the collector is back (same address, same database) ships the backlog.
 * Afterwards every line of the replay of the agent's own recording is stored exactly once,
 * with the same values, and nothing else is stored.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Collector } from "../../collector/collector.js";
import { type SimulatorHandle, startSimulator } from "../../simulate/index.js";
import { type CliChild, freePort, spawnCli } from "../helpers/cli-child.js";
import { startTestCollector, testCollectorConfig } from "../helpers/collector-harness.js";
import {
  byKey,
  comparable,
  replayLines,
  storedLines,
  untilMetric,
  writeShippingConfig,
} from "../helpers/live-run.js";

const OUTAGE_MS = 60_000;
let dir = "";
let sim: SimulatorHandle | undefined;
let collector: Collector | undefined;
let child: CliChild | undefined;

afterAll(async () => {
  child?.proc.kill("SIGKILL");
  await collector?.shutdown();
  await sim?.shutdown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("collector outage during a live run", () => {
  it("stores every line the agent produced exactly once", { timeout: 180_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-outage-"));
    sim = await startSimulator({ gpus: 4, workloads: 2, tenants: 3 });
    const config = testCollectorConfig(dir, { port: await freePort() });
    collector = await startTestCollector(config);
    // window_s 2 < batch_max_delay_s 5: batches hold two or three windows.
    const agent = await writeShippingConfig(sim, dir, collector.address, {
      windowS: 2,
      batchMaxDelayS: 5,
    });
    const capture = join(dir, "capture.ndjson");
    child = spawnCli(["agent", "--config", agent.path, "--record", capture]);
    await child.waitFor(/agent started/);
    await untilMetric(agent.metricsUrl, /tokenwatt_ship_acked_batches_total [1-9]/, 30_000);

    await collector.shutdown();
    collector = undefined;
    await sleep(OUTAGE_MS);
    const metrics = await fetch(agent.metricsUrl).then((r) => r.text());
    expect(metrics).toMatch(/tokenwatt_ship_retries_total\{reason="unavailable"\} [1-9]/);
    const backlog = Number(/tokenwatt_spool_unacked_batches (\d+)/.exec(metrics)?.[1]);
    expect(backlog).toBeGreaterThan(5); // a minute of windows waited in the spool

    collector = await startTestCollector(config);
    await untilMetric(agent.metricsUrl, /tokenwatt_spool_unacked_batches 0\b/, 60_000);
    await sleep(4000);
    child.proc.kill("SIGTERM");
    expect((await child.exited).code).toBe(0);
    await collector.shutdown();
    collector = undefined;

    const stored = byKey(await storedLines(config.store.path));
    expect(stored.repeated).toEqual([]);
    const replay = (await replayLines(agent.path, capture)).map(comparable);
    const windows = new Set(replay.map((l) => l.start)).size;
    expect(windows).toBeGreaterThan(OUTAGE_MS / 2000);
    for (const line of replay) {
      const got = stored.map.get(line.key);
      expect(got, `line of window ${line.start} missing`).toBeDefined();
      expect(got?.values).toEqual(line.values);
    }
    expect(stored.map.size).toBe(replay.length);
  });
});
