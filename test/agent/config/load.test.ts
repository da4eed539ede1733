import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadAgentConfig, parseAgentConfig } from "../../../agent/config/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const sharedExample = path.resolve(repoRoot, "..", "shared", "spec", "agent.example.yaml");
const fullExample = path.join(repoRoot, "agent", "config", "agent.full.example.yaml");
const hasShared = existsSync(sharedExample);
if (!hasShared) console.warn(`skipping shared-example tests: ${sharedExample} not found`);

const MINIMAL = "agent: { id: h1, sink: /tmp/usage.ndjson }\n";

function errorsOf(text: string): ConfigError {
  try {
    parseAgentConfig(text, "t.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

/** Key paths of every leaf and mapping in a YAML tree, list indices collapsed to []. */
function keyPaths(node: unknown, prefix = ""): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(node)) {
    for (const el of node) for (const p of keyPaths(el, `${prefix}[]`)) out.add(p);
  } else if (typeof node === "object" && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      const p = prefix === "" ? k : `${prefix}.${k}`;
      out.add(p);
      for (const q of keyPaths(v, p)) out.add(q);
    }
  }
  return out;
}

describe.skipIf(!hasShared)("shared example", () => {
  it("parses, keeping its values", () => {
    const cfg = parseAgentConfig(readFileSync(sharedExample, "utf8"), sharedExample);
    expect(cfg.agent.id).toBe("fra2-r12-h03");
    expect(cfg.site.lane).toBe("colocated");
    expect(cfg.sources.map((s) => s.name)).toEqual(["dcgm", "vllm-a", "gateway"]);
    expect(cfg.workloads[0].tenants).toEqual({
      source: "gateway",
      label: "team",
      model: "llama-70b",
    });
    expect(cfg.collector?.urls).toEqual(["collector-fra.example.net:4317"]);
  });

  it("is a subset of the full example (extend, never rename)", () => {
    const shared = keyPaths(parse(readFileSync(sharedExample, "utf8")));
    const full = keyPaths(parse(readFileSync(fullExample, "utf8")));
    const missing = [...shared].filter(
      (p) => !full.has(p) && !p.startsWith("gpus.idle_w.by_model."),
    );
    expect(missing).toEqual([]);
  });
});

describe("full example", () => {
  it("parses and resolves the extensions", () => {
    const cfg = parseAgentConfig(readFileSync(fullExample, "utf8"), fullExample);
    expect(cfg.attribution.owner_tenant).toBe("operator");
    expect(cfg.prices.version).toBe("v1");
    expect(cfg.agent.state_dir).toBe("/var/lib/tokenwatt/state");
    expect(cfg.agent.sink).toBe("/var/lib/tokenwatt/usage.ndjson");
    expect(cfg.collector?.allow_plaintext).toBe(false);
    expect(cfg.sources.find((s) => s.name === "dcgm")?.timeout_s).toBe(1);
  });
});

describe("defaults", () => {
  it("fills every key from one function", () => {
    const cfg = parseAgentConfig(
      MINIMAL +
        "sources:\n  - { name: v, kind: vllm, url: 'http://127.0.0.1:8000/metrics' }\n" +
        "workloads:\n  - { name: w, tokens: v, gpus: [0] }\n",
      "min.yaml",
    );
    expect(cfg.agent).toEqual({
      id: "h1",
      window_s: 60,
      scrape_interval_s: 1,
      max_gap_s: 3,
      spool_dir: "/var/lib/tokenwatt/spool",
      spool_max_bytes: 1073741824,
      listen: "127.0.0.1:9464",
      state_dir: "/var/lib/tokenwatt/state",
      sink: "/tmp/usage.ndjson",
    });
    expect(cfg.prices).toMatchObject({
      energy_per_kwh: 0.12,
      carbon_g_per_kwh: 350,
      version: "v1",
    });
    expect(cfg.gpus.idle_w.default).toBe("learn");
    expect(cfg.sources[0].timeout_s).toBe(1);
    expect(cfg.workloads[0].tenant).toBe("operator");
    expect(cfg.collector).toBeUndefined();
    expect(cfg.site.metro).toBe("");
  });

  it("derives max_gap_s and timeout_s from scrape_interval_s", () => {
    const cfg = parseAgentConfig(
      "agent: { id: h1, sink: s, scrape_interval_s: 10 }\n" +
        "sources: [{ name: d, kind: dcgm, url: 'http://127.0.0.1:9400/metrics' }]\n",
      "t.yaml",
    );
    expect(cfg.agent.max_gap_s).toBe(30);
    expect(cfg.sources[0].timeout_s).toBe(5);
  });

  it("treats an empty key as unset", () => {
    const cfg = parseAgentConfig(
      `${MINIMAL}site:\nprices:\n  currency: EUR\n  version:\n`,
      "t.yaml",
    );
    expect(cfg.site.lane).toBe("colocated");
    expect(cfg.prices).toMatchObject({ currency: "EUR", version: "v1" });
  });
});

describe("errors", () => {
  it("reports every error at once, each with file, path and line", () => {
    const err = errorsOf(
      [
        "agent:",
        "  id: h1",
        "  window_s: 70",
        "  scrape_intervl_s: 1",
        "site: { lane: cheap }",
        "sources:",
        "  - { name: d, kind: dcgm }",
        "  - { name: v, kind: vllm, url: 'http://127.0.0.1:8000/metrics', timeout_s: -1 }",
        "workloads:",
        "  - { name: w, tokens: d, gpus: [0, 'GPU-1'] }",
      ].join("\n"),
    );
    expect(err.code).toBe("TW_ERR_CONFIG");
    const byPath = new Map(err.issues.map((i) => [i.path, i]));
    expect([...byPath.keys()].sort()).toEqual(
      [
        "agent.window_s",
        "agent.scrape_intervl_s",
        "site.lane",
        "sources[0].url",
        "sources[1].timeout_s",
        "workloads[0].tokens",
        "workloads[0].gpus[1]",
        "collector",
      ].sort(),
    );
    expect(byPath.get("agent.window_s")?.message).toMatch(
      /^window_s must divide 86400; got 70\. Allowed: 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, .*nearest: 64, 72/,
    );
    expect(byPath.get("agent.window_s")?.line).toBe(3);
    expect(byPath.get("agent.scrape_intervl_s")?.message).toMatch(
      /unknown key\. Allowed: .*scrape_interval_s/,
    );
    expect(byPath.get("site.lane")?.message).toBe(
      'got "cheap". Allowed: public, reserved, regional, colocated, sovereign',
    );
    expect(byPath.get("sources[1].timeout_s")?.message).toBe("must be > 0; got -1");
    expect(byPath.get("workloads[0].tokens")?.message).toMatch(
      /kind dcgm, not a token source\. Allowed: v$/,
    );
    expect(byPath.get("workloads[0].gpus[1]")?.line).toBe(10);
    expect(err.message).toContain("t.yaml:3: agent.window_s: window_s must divide 86400");
  });

  it("reports a YAML syntax error with its line", () => {
    const err = errorsOf("agent:\n  id: h1\n  window_s: [60\n");
    expect(err.issues[0].message).toMatch(/^YAML: /);
    expect(err.issues[0].line).toBeGreaterThan(0);
  });

  it("requires agent.id", () => {
    const err = errorsOf("agent: { sink: s }\n");
    expect(err.issues.map((i) => [i.path, i.message])).toEqual([
      ["agent.id", expect.stringMatching(/^required/)],
    ]);
  });

  it("loadAgentConfig reads files and reports an unreadable one as TW_ERR_CONFIG", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tw-config-"));
    const file = path.join(dir, "agent.yaml");
    await writeFile(file, MINIMAL);
    expect((await loadAgentConfig(file)).agent.id).toBe("h1");
    await expect(loadAgentConfig(path.join(dir, "missing.yaml"))).rejects.toMatchObject({
      code: "TW_ERR_CONFIG",
      issues: [{ message: expect.stringMatching(/^cannot read/) }],
    });
  });
});
