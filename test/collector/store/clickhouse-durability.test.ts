/**
 * An ingest resolves only once ClickHouse has written the data: SIGKILL the server right
 * after, restart it on the same data directory, and everything acknowledged is there. (A
 * server crash, not a power cut: 18.16 does not fsync inserted parts; docs/clickhouse.md.)
 * Runs its own server through .ci/clickhouse.sh, so it needs the clickhouse-server binary.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ClickHouseStore } from "../../../collector/store/clickhouse/store.js";
import { REPO_ROOT } from "../../helpers/shared-fixtures.js";
import { expectedTotals, expectTotalsClose } from "../../helpers/store-contract.js";
import { generateUsage, toBatches } from "../../helpers/usage-lines.js";

const haveServer = spawnSync("sh", ["-c", "command -v clickhouse-server"]).status === 0;
if (!haveServer) {
  if (process.env.CI === "true") throw new Error("clickhouse-server is not installed in CI");
  console.warn("[clickhouse-durability] SKIPPED: clickhouse-server is not installed");
}

const script = join(REPO_ROOT, ".ci", "clickhouse.sh");

async function waitUntilGone(pid: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    } catch {
      return; // reaped
    }
    if (state === "Z") return;
    if (Date.now() > end) throw new Error(`ClickHouse pid ${pid} still ${state} after SIGKILL`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const dir = mkdtempSync(join(tmpdir(), "tw-ch-durable-"));
const start = () => execFileSync(script, ["start", dir], { encoding: "utf8" }).trim();
afterAll(() => {
  if (haveServer) execFileSync(script, ["stop", dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveServer)("ClickHouseStore durability", () => {
  it("keeps every acknowledged batch when the server is SIGKILLed right after", async () => {
    const data = generateUsage({ agents: 2, gpusPerAgent: 2, windows: 60 });
    let store = new ClickHouseStore({ url: start(), database: "durable" });
    await store.start();
    for (const b of toBatches(data, 200)) await store.ingest(b);
    const pid = Number(readFileSync(join(dir, "clickhouse.pid"), "utf8"));
    process.kill(pid, "SIGKILL");
    await store.shutdown();
    // Restart only once the killed server is gone: while the kernel still tears it down it
    // holds the data directory's lock, and a new server on it exits at once (seen on a
    // loaded box). A zombie has let go of everything.
    await waitUntilGone(pid, 30_000);
    store = new ClickHouseStore({ url: start(), database: "durable" });
    await store.start();
    try {
      expectTotalsClose(await store.lineTotals(), expectedTotals(data.lines));
      expect(await store.countReadings({ fromS: 0, toS: 2 ** 32 })).toBe(data.readings.length);
      expect((await store.agents()).map((a) => a.gaps)).toEqual([[], []]);
    } finally {
      await store.shutdown();
    }
  });
});
