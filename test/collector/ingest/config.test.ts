import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCollectorConfig } from "../../../collector/config/load.js";
import { defaultStageWorkers } from "../../../collector/ingest/stage-pool.js";

const repoRoot = resolve(import.meta.dirname, "../../..");

describe("collector config", () => {
  it("parses the documented example with every key", async () => {
    const text = await readFile(join(repoRoot, "collector/collector.example.yaml"), "utf8");
    const c = await parseCollectorConfig(text, "collector.example.yaml");
    expect(c.tls?.require_client_cert).toBe(false);
    expect(c.limits.max_batch_lines).toBe(200_000);
  });

  it("allows plaintext only on loopback, and only when asked", async () => {
    const store = "store: { kind: duckdb, path: /tmp/x.duckdb }\n";
    await expect(
      parseCollectorConfig(`listen: 127.0.0.1:4317\n${store}`, "a.yaml"),
    ).rejects.toThrow(/tls: required/);
    await expect(
      parseCollectorConfig(
        `listen: 0.0.0.0:4317\nallow_plaintext_loopback: true\n${store}`,
        "b.yaml",
      ),
    ).rejects.toThrow(/only allowed on a loopback address/);
    const ok = await parseCollectorConfig(
      `listen: "[::1]:4317"\nallow_plaintext_loopback: true\n${store}`,
      "c.yaml",
    );
    expect(ok.tls).toBeUndefined();
  });

  it("refuses TLS with no way to authenticate agents", async () => {
    await expect(
      parseCollectorConfig(
        "tls: { cert: c.pem, key: k.pem }\nstore: { kind: duckdb, path: x }\n",
        "d.yaml",
      ),
    ).rejects.toThrow(/no way to authenticate agents/);
  });

  it("selects a ClickHouse store, and names the key of a bad one", async () => {
    const base = "listen: 127.0.0.1:4317\nallow_plaintext_loopback: true\n";
    const c = await parseCollectorConfig(
      `${base}store: { kind: clickhouse, url: "http://127.0.0.1:8123", database: tw, password_file: /etc/pw }\n`,
      "ch.yaml",
    );
    expect(c.store).toEqual({
      kind: "clickhouse",
      url: "http://127.0.0.1:8123",
      database: "tw",
      password_file: "/etc/pw",
    });
    await expect(
      parseCollectorConfig(`${base}store: { kind: clickhouse, url: "ftp://x" }\n`, "bad.yaml"),
    ).rejects.toThrow(/store\.url/);
    await expect(
      parseCollectorConfig(`${base}store: { kind: sqlite, path: /x }\n`, "bad2.yaml"),
    ).rejects.toThrow(/store\.kind/);
  });

  it("sizes the stage workers: auto from the cores, a count, or 0 for none", async () => {
    const base =
      "listen: 127.0.0.1:4317\nallow_plaintext_loopback: true\nstore: { kind: duckdb, path: x }\n";
    const workers = async (v: string) =>
      (await parseCollectorConfig(`${base}ingest: { stage_workers: ${v} }\n`, "w.yaml")).ingest
        ?.stage_workers;
    expect((await parseCollectorConfig(base, "none.yaml")).ingest?.stage_workers).toBe(
      defaultStageWorkers(),
    );
    expect(await workers("auto")).toBe(defaultStageWorkers());
    expect(await workers("0")).toBe(0);
    expect(await workers("3")).toBe(3);
    await expect(workers("-1")).rejects.toThrow(/ingest\.stage_workers/);
    await expect(workers("many")).rejects.toThrow(/ingest\.stage_workers/);
  });
});
