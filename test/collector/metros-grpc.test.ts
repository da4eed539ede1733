/**
 * Across metros through the real interface: two `Collector`s (fra, ams), each a gRPC server
 * with its own ClickHouse store built from the collector config (`store.kind: clickhouse`),
 * write to one ClickHouse database. Agents push encoded batches over gRPC; one ams agent
 * fails over to fra and resends the batches whose acks it lost. The shared database must hold
 * every line once: its totals equal the sum of each metro's lines, whichever collector took them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector } from "../../collector/collector.js";
import type { CollectorConfig } from "../../collector/config/types.js";
import { createStore } from "../../collector/store/create-store.js";
import type { IngestBatch, Store } from "../../collector/store/types.js";
import { encodeBatch } from "../../wire/batch-codec.js";
import {
  CLICKHOUSE_URL,
  clickHouseMissing,
  dropDatabase,
  testDatabase,
} from "../helpers/clickhouse.js";
import { pushRaw, testCollectorConfig } from "../helpers/collector-harness.js";
import { expectedTotals, expectTotalsClose } from "../helpers/store-contract.js";
import { generateUsage, toBatches } from "../helpers/usage-lines.js";

const skip = clickHouseMissing("metros-grpc");
const data = generateUsage({ seed: 11, agents: 4, gpusPerAgent: 2, windows: 30 });
const batches = toBatches(data, 24);
const metroOf = (b: IngestBatch) => b.lines[0].RegionId;

describe.skipIf(skip)("two metro collectors over gRPC, one ClickHouse", () => {
  const database = testDatabase("metros_grpc");
  const dir = mkdtempSync(join(tmpdir(), "tw-metros-"));
  const collectors: Record<string, Collector> = {};
  let reader: Store;

  beforeAll(async () => {
    for (const metro of ["fra", "ams"]) {
      const config: CollectorConfig = {
        ...testCollectorConfig(dir),
        store: { kind: "clickhouse", url: CLICKHOUSE_URL, database, collector_name: metro },
      };
      const c = new Collector({
        config,
        store: await createStore(config.store),
        logger: pino({ level: "silent" }),
      });
      await c.start();
      collectors[metro] = c;
    }
    reader = await createStore({
      kind: "clickhouse",
      url: CLICKHOUSE_URL,
      database,
      collector_name: "reader",
    });
    await reader.start();
  });
  afterAll(async () => {
    await Promise.all(Object.values(collectors).map((c) => c.shutdown()));
    await reader?.shutdown();
    await dropDatabase(database);
  });

  async function push(metro: string, b: IngestBatch): Promise<void> {
    const bytes = encodeBatch(b.lines, b.readings, {
      agentId: b.agentId,
      bootId: b.bootId,
      sequence: b.seq,
      createdUnixMs: Date.now(),
    });
    if (!bytes.ok) throw bytes.error;
    const r = await pushRaw(collectors[metro].address, credentials.createInsecure(), bytes.value);
    if (!r.ok) throw r.error;
  }

  it("stores every line once, whichever collector it went through", async () => {
    const mover = batches.find((b) => metroOf(b) === "ams")!.agentId;
    let moverSent = 0;
    for (const b of batches) {
      const home = metroOf(b) === "fra" ? "fra" : "ams";
      if (b.agentId === mover && moverSent >= 2) {
        // Failed over to fra; the previous batch's ack was lost, so it is sent again there.
        if (moverSent === 2) await push("fra", batches.filter((x) => x.agentId === mover)[1]);
        await push("fra", b);
      } else {
        await push(home, b);
      }
      if (b.agentId === mover) moverSent++;
    }
    expectTotalsClose(await reader.lineTotals(), expectedTotals(data.lines));
    for (const metro of ["fra", "ams"]) {
      const lines = data.lines.filter((l) => l.RegionId === metro);
      expect(lines.length).toBeGreaterThan(0);
      expectTotalsClose(await reader.lineTotals({ metro }), expectedTotals(lines));
    }
    const dupes = await collectors.fra.metrics.registry.getSingleMetricAsString(
      "tokenwatt_collector_lines_duplicate_total",
    );
    expect(dupes).toMatch(/ [1-9]\d*$/m);
  }, 120_000);
});
