/**
 * The component lifecycle contract (STYLE.md) for the delivery components: `shutdown` is
 * idempotent, safe without `start`, and flushes before it resolves.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SpoolShipperSink } from "../agent/shipper/sink.js";
import { Spool } from "../agent/spool/spool.js";
import { realisticBatch } from "../bench/wire/realistic-batch.js";
import { Collector } from "../collector/collector.js";
import { GrpcReceiver } from "../collector/ingest/server.js";
import { DuckDbStore } from "../collector/store/duckdb/store.js";
import { encodeBatch } from "../wire/batch-codec.js";
import { AckStatus } from "../wire/collector-service.js";
import { freePort } from "./helpers/cli-child.js";
import { pushRaw, startTestCollector, testCollectorConfig } from "./helpers/collector-harness.js";
import { AGENT } from "./helpers/spooled-batches.js";
import { linesOnlyWindow } from "./helpers/window-result.js";

const silent = pino({ level: "silent" });
const START_S = 1_767_225_600;
let dir = "";

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sinkTo(url: string): Promise<SpoolShipperSink> {
  return new SpoolShipperSink({
    agentId: AGENT,
    windowS: 60,
    collector: { urls: [url], batch_max_lines: 5000, batch_max_delay_s: 5, allow_plaintext: true },
    spool: { dir: join(dir, "spool"), maxBytes: 1 << 20 },
    logger: silent,
    drainMillis: 300,
  });
}

describe("lifecycle: shutdown idempotent, safe without start, flushes", () => {
  it("SpoolShipperSink", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-life-"));
    const down = `127.0.0.1:${await freePort()}`; // nothing listens: the batch must stay spooled
    const never = await sinkTo(down);
    await never.shutdown();
    await never.shutdown();

    const sink = await sinkTo(down);
    await sink.start();
    const { lines } = realisticBatch(1, 2, START_S);
    // window_s 1 with an hour's delay keeps the batch open; shutdown must spool it.
    const open = new SpoolShipperSink({
      agentId: AGENT,
      windowS: 1,
      collector: {
        urls: [down],
        batch_max_lines: 5000,
        batch_max_delay_s: 3600,
        allow_plaintext: true,
      },
      spool: { dir: join(dir, "spool2"), maxBytes: 1 << 20 },
      logger: silent,
      drainMillis: 200,
    });
    await open.write(lines, linesOnlyWindow(START_S, 60));
    expect(open.spool.counters.appendedBatches).toBe(0);
    await Promise.all([open.shutdown(), open.shutdown()]);
    expect(open.spool.counters.appendedBatches).toBe(1);
    const reopened = new Spool({ dir: join(dir, "spool2"), maxBytes: 1 << 20, logger: silent });
    await reopened.start();
    expect((await reopened.nextUnacked())?.seq).toBe(0);
    await reopened.shutdown();
    await sink.shutdown();
    await sink.shutdown();
  });

  it("Collector and its GrpcReceiver", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-life-"));
    const config = testCollectorConfig(dir);
    const idle = new Collector({ config, logger: silent });
    await idle.shutdown();
    await idle.shutdown();
    const receiver = new GrpcReceiver({
      config,
      store: new DuckDbStore({ path: ":memory:" }),
      metrics: idle.metrics,
      logger: silent,
    });
    await receiver.shutdown();
    await receiver.shutdown();

    const collector = await startTestCollector(config);
    const { lines, readings } = realisticBatch(3, 4, START_S);
    const enc = encodeBatch(lines, readings, {
      agentId: AGENT,
      bootId: "b",
      sequence: 0,
      createdUnixMs: 1,
    });
    if (!enc.ok) throw enc.error;
    // A push in flight when shutdown begins is committed and acknowledged before it resolves.
    const push = pushRaw(collector.address, credentials.createInsecure(), enc.value);
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([collector.shutdown(), collector.shutdown()]);
    const r = await push;
    if (!r.ok) throw r.error;
    expect(r.ack.status).toBe(AckStatus.ACK_STATUS_STORED);
    const store = new DuckDbStore({ path: config.store.path, readOnly: true });
    await store.start();
    expect((await store.lineTotals()).lines).toBe(lines.length);
    await store.shutdown();
  });

  it("DuckDbStore", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-life-"));
    const path = join(dir, "s.duckdb");
    const never = new DuckDbStore({ path });
    await never.shutdown();
    await never.shutdown();
    const store = new DuckDbStore({ path });
    await store.start();
    const { lines } = realisticBatch(1, 5, START_S);
    const ingest = store.ingest({ agentId: AGENT, bootId: "b", seq: 0, lines, readings: [] });
    await Promise.all([store.shutdown(), store.shutdown()]);
    expect((await ingest).inserted).toBe(lines.length);
    const again = new DuckDbStore({ path, readOnly: true });
    await again.start();
    expect((await again.lineTotals()).lines).toBe(lines.length);
    await again.shutdown();
  });
});
