import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCollectorConfig } from "../../../collector/config/load.js";

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
});
