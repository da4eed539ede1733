/**
 * kill -9 of the collector after a batch is committed and before its Ack is sent
 * (TOKENWATT_FAULT=exit-after-commit, a test-only hook): the agent's shipper retries, the
 * restarted collector finds the lines already stored, and the store keeps exactly one copy.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { Spool } from "../../agent/spool/spool.js";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { type CliChild, freePort, spawnCli } from "../helpers/cli-child.js";
import {
  LINES_PER_WINDOW,
  plaintextShipper,
  spoolBatches,
  until,
} from "../helpers/spooled-batches.js";

let dir = "";
const children: CliChild[] = [];

afterAll(async () => {
  for (const c of children) c.proc.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("collector killed between commit and ack", () => {
  it("retries; the store keeps one copy of every line", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-kill-collector-"));
    const port = await freePort();
    const db = join(dir, "collector.duckdb");
    const config = join(dir, "collector.yaml");
    await writeFile(
      config,
      `listen: 127.0.0.1:${port}\nmetrics_listen: 127.0.0.1:0\nallow_plaintext_loopback: true\nstore: { kind: duckdb, path: ${db} }\n`,
    );
    const spool = new Spool({
      dir: join(dir, "spool"),
      maxBytes: 1 << 20,
      logger: pino({ level: "silent" }),
    });
    await spool.start();
    const BATCHES = 4;
    await spoolBatches(spool, BATCHES);

    const doomed = spawnCli(["collector", "--config", config], {
      TOKENWATT_FAULT: "exit-after-commit",
    });
    children.push(doomed);
    await doomed.waitFor(/gRPC on/);
    const shipper = plaintextShipper(spool, `127.0.0.1:${port}`);
    shipper.start();
    const death = await doomed.exited;
    expect(death.signal).toBe("SIGKILL");
    expect(doomed.output()).toMatch(/exit-after-commit: killing the collector before the ack/);
    expect(shipper.counters.ackedBatches).toBe(0); // the committed batch was never acknowledged

    const healthy = spawnCli(["collector", "--config", config]);
    children.push(healthy);
    await healthy.waitFor(/gRPC on/);
    await until(
      () => shipper.counters.ackedBatches === BATCHES,
      60_000,
      "every batch acknowledged",
    );
    await shipper.stop(1000);
    await spool.shutdown();
    healthy.proc.kill("SIGTERM");
    expect((await healthy.exited).code).toBe(0);

    const retries = [...shipper.counters.retries.values()].reduce((a, b) => a + b, 0);
    expect(retries).toBeGreaterThan(0);
    // The resent first batch was found stored: all its lines came back as duplicates.
    expect(shipper.counters.linesDuplicate).toBe(2 * LINES_PER_WINDOW);
    expect(shipper.counters.linesStored).toBe((BATCHES - 1) * 2 * LINES_PER_WINDOW);

    const store = new DuckDbStore({ path: db, readOnly: true });
    await store.start();
    try {
      expect((await store.lineTotals()).lines).toBe(BATCHES * 2 * LINES_PER_WINDOW);
      const keys = await store.withConnection(
        async (c) =>
          (
            await c.runAndReadAll(
              `SELECT count(*) - count(DISTINCT (x_AgentId, ChargePeriodStart, ResourceId, x_Workload, SubAccountId, x_LineKind, x_PriceVersion)) FROM usage_lines`,
            )
          ).getRowsJS()[0][0],
      );
      expect(Number(keys)).toBe(0);
    } finally {
      await store.shutdown();
    }
  });
});
