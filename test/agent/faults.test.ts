import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { parseAgentConfig } from "../../agent/config/index.js";
import type { Agent } from "../../agent/runtime/agent.js";
import { startAgent } from "../../agent/start-agent.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import { type SimulatorHandle, startSimulator } from "../../simulate/start.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metric(agent: Agent, name: string, labels: string): Promise<number> {
  const text = await fetch(`http://${agent.listenAddress}/metrics`).then((r) => r.text());
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("faulty exporters during a live run", () => {
  let sim: SimulatorHandle | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.shutdown();
    await sim?.shutdown();
  });

  async function start(): Promise<UsageLine[]> {
    sim = await startSimulator({ gpus: 4, workloads: 2, tenants: 2, seed: 3 });
    const dir = mkdtempSync(join(tmpdir(), "tw-faults-"));
    const text = sim
      .agentConfig({
        windowS: 2,
        listen: "127.0.0.1:0",
        spoolDir: join(dir, "spool"),
        sink: join(dir, "l.ndjson"),
      })
      .replace(
        "sources:",
        'sources:\n  - { name: dead, kind: vllm, url: "http://127.0.0.1:9/metrics", timeout_s: 1 }',
      );
    const lines: UsageLine[] = [];
    agent = await startAgent({
      config: parseAgentConfig(text, "faults.yaml"),
      logger: pino({ level: "silent" }),
      sink: { write: async (ls) => void lines.push(...ls), shutdown: async () => {} },
    });
    return lines;
  }

  test("a dead, a slow and a garbage exporter are counted and never stall the others", async () => {
    const lines = await start();
    await sim!.control({ endpoint: "vllm-b", slow_ms: 4000 });
    await sim!.control({ endpoint: "gateway", garbage: true });
    await sleep(9000);
    const before = lines.length;
    expect(before).toBeGreaterThan(0);
    // dcgm and vllm-a kept flowing: every window has lines of llama's workload on its GPUs.
    const windows = new Set(lines.map((l) => l.ChargePeriodStart));
    expect(windows.size).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.x_GenerationTokens > 0)).toBe(true);
    expect(await metric(agent!, "tokenwatt_scrape_errors_total", 'source="dead"')).toBeGreaterThan(
      0,
    );
    expect(
      await metric(agent!, "tokenwatt_scrape_errors_total", 'source="vllm-b",reason="timeout"'),
    ).toBeGreaterThan(0);
    const garbage =
      (await metric(agent!, "tokenwatt_scrape_errors_total", 'source="gateway",reason="parse"')) +
      (await metric(agent!, "tokenwatt_rejected_samples_total", 'source="gateway"'));
    expect(garbage).toBeGreaterThan(0);
    // Back to health: lines keep coming.
    await sim!.control({ clear: true });
    await sleep(4000);
    expect(lines.length).toBeGreaterThan(before);
    const health = await fetch(`http://${agent!.listenAddress}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { sources: Record<string, string> };
    expect(body.sources.dead).toBe("never");
    expect(body.sources.dcgm).toBe("ok");
  }, 40_000);

  test("/metrics shows tokens/s per MW, J/token, cost per 1M tokens and gCO2e per 1k requests", async () => {
    await start();
    await sleep(7000);
    const text = await fetch(`http://${agent!.listenAddress}/metrics`).then((r) => r.text());
    for (const name of [
      "tokenwatt_tokens_per_second_per_megawatt{",
      "tokenwatt_joules_per_token{",
      "tokenwatt_cost_per_million_tokens{",
      "tokenwatt_carbon_grams_per_thousand_requests{",
      "tokenwatt_tokens_per_second{",
      "tokenwatt_gpu_power_watts{",
      "tokenwatt_gpu_energy_joules_total{",
      "tokenwatt_gpu_coverage_ratio{",
      "tokenwatt_host_tokens_per_second_per_megawatt ",
      "process_resident_memory_bytes ",
      "process_cpu_seconds_total ",
      "nodejs_eventloop_lag_seconds ",
    ]) {
      expect(text, name).toContain(name);
    }
    const perMw = await metric(agent!, "tokenwatt_tokens_per_second_per_megawatt", 'tenant="');
    expect(perMw).toBeGreaterThan(1e5);
  }, 30_000);
});
