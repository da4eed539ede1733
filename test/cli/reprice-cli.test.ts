/**
 * `tokenwatt reprice` as an operator runs it: on a DuckDB file (--db) and on a collector
 * config whose store is ClickHouse (--config), with the example price book.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { createStore, type StoreConfig } from "../../collector/store/create-store.js";
import { REPO_ROOT, runCli } from "../helpers/cli.js";
import {
  CLICKHOUSE_URL,
  dropDatabase,
  HAVE_CLICKHOUSE,
  testDatabase,
} from "../helpers/clickhouse.js";
import { generateUsage, toBatches } from "../helpers/usage-lines.js";

const data = generateUsage({ seed: 3, windows: 20 });
const from = data.lines.map((l) => l.ChargePeriodStart).sort()[0];
const to = new Date(
  Date.parse(
    data.lines
      .map((l) => l.ChargePeriodEnd)
      .sort()
      .at(-1)!,
  ) + 3_600_000,
)
  .toISOString()
  .replace(".000Z", "Z");
const prices = join(REPO_ROOT, "collector/prices.example.yaml");

async function fill(config: StoreConfig): Promise<void> {
  const store = await createStore(config);
  await store.start();
  for (const b of toBatches(data, 500)) await store.ingest(b);
  await store.shutdown();
}

async function versionLines(config: StoreConfig, version: string): Promise<number> {
  const store = await createStore(config);
  await store.start();
  try {
    return (await store.lineTotals({ priceVersion: version })).lines;
  } finally {
    await store.shutdown();
  }
}

/** `tokenwatt reprice` over `[from, to)` with the test book; `store` names the store. */
const repriceArgs = (store: string[], fromArg = from): string[] => [
  "reprice",
  ...store,
  "--prices",
  prices,
  "--from",
  fromArg,
  "--to",
  to,
];

describe("tokenwatt reprice", () => {
  it("re-prices a DuckDB file under the book's version and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-reprice-cli-"));
    const config: StoreConfig = { kind: "duckdb", path: join(dir, "c.duckdb") };
    await fill(config);
    const r = await runCli(repriceArgs(["--db", config.path]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/price version tariff-2025-07: \d+ readings → \d+ lines/);
    expect(await versionLines(config, "tariff-2025-07")).toBeGreaterThan(0);
    const again = await runCli(repriceArgs(["--db", config.path]));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already done, skipped/);
    const bad = await runCli(repriceArgs(["--db", config.path], "yesterday"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from yesterday: expected YYYY-MM-DDTHH:mm:ssZ/);
  }, 120_000);

  it.skipIf(!HAVE_CLICKHOUSE)(
    "re-prices a ClickHouse store named by the collector config",
    async () => {
      const database = testDatabase("reprice_cli");
      const dir = mkdtempSync(join(tmpdir(), "tw-reprice-ch-"));
      const config: StoreConfig = { kind: "clickhouse", url: CLICKHOUSE_URL, database };
      try {
        await fill(config);
        const yaml = join(dir, "collector.yaml");
        writeFileSync(
          yaml,
          stringify({ listen: "127.0.0.1:4317", allow_plaintext_loopback: true, store: config }),
        );
        const r = await runCli(repriceArgs(["--config", yaml]));
        expect(r.code, r.stderr).toBe(0);
        expect(await versionLines(config, "tariff-2025-07")).toBeGreaterThan(0);
      } finally {
        await dropDatabase(database);
      }
    },
    120_000,
  );
});
