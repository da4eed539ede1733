import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/** Builds hand-computed captures: dcgm, vLLM and LiteLLM bodies at chosen times. */
export const GPU0 = "GPU-00000000-0000-4000-8000-000000000000";
export const GPU1 = "GPU-11111111-1111-4111-8111-111111111111";
export const MODEL = "NVIDIA H100 80GB HBM3";
/** A window start (epoch s, a multiple of 10). */
export const T0 = 1_767_225_600;

export interface GpuPoint {
  uuid: string;
  index: number;
  powerW?: number;
  energyJ?: number;
}

export function dcgmBody(points: GpuPoint[]): string {
  const out = [
    "# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).",
    "# TYPE DCGM_FI_DEV_POWER_USAGE gauge",
  ];
  const labels = (p: GpuPoint) =>
    `gpu="${p.index}",UUID="${p.uuid}",device="nvidia${p.index}",modelName="${MODEL}",Hostname="h1"`;
  for (const p of points)
    if (p.powerW !== undefined) out.push(`DCGM_FI_DEV_POWER_USAGE{${labels(p)}} ${p.powerW}`);
  out.push("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter");
  for (const p of points) {
    if (p.energyJ !== undefined)
      out.push(
        `DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{${labels(p)}} ${Math.round(p.energyJ * 1000)}`,
      );
  }
  return `${out.join("\n")}\n`;
}

export interface TokenPoint {
  prompt: number;
  gen: number;
  cached?: number;
  requests?: number;
}

export function vllmBody(model: string, t: TokenPoint): string {
  const l = `engine="0",model_name="${model}"`;
  return [
    "# TYPE vllm:prompt_tokens_total counter",
    `vllm:prompt_tokens_total{${l}} ${t.prompt}`,
    "# TYPE vllm:generation_tokens_total counter",
    `vllm:generation_tokens_total{${l}} ${t.gen}`,
    "# TYPE vllm:prefix_cache_hits_total counter",
    `vllm:prefix_cache_hits_total{${l}} ${t.cached ?? 0}`,
    "# TYPE vllm:request_success_total counter",
    `vllm:request_success_total{${l},finished_reason="stop"} ${t.requests ?? 0}`,
    "",
  ].join("\n");
}

export function litellmBody(
  model: string,
  byTeam: Record<string, { input: number; output: number }>,
): string {
  const out = ["# TYPE litellm_input_tokens_metric_total counter"];
  for (const [team, v] of Object.entries(byTeam)) {
    out.push(
      `litellm_input_tokens_metric_total{team="${team}",requested_model="${model}"} ${v.input}`,
    );
  }
  out.push("# TYPE litellm_output_tokens_metric_total counter");
  for (const [team, v] of Object.entries(byTeam)) {
    out.push(
      `litellm_output_tokens_metric_total{team="${team}",requested_model="${model}"} ${v.output}`,
    );
  }
  return `${out.join("\n")}\n`;
}

export interface Scenario {
  dir: string;
  configPath: string;
  capturePath: string;
}

/** The config every hand-computed case shares: 10 s windows, fixed prices, idle 100 W. */
export function scenarioConfig(
  extra: { idle?: "spread" | "separate"; gateway?: boolean; gpus?: number[] } = {},
) {
  return {
    agent: { id: "hand", window_s: 10, scrape_interval_s: 1, max_gap_s: 3, sink: "/dev/null" },
    site: {
      metro: "fra",
      region_name: "Frankfurt",
      hall: "fra2",
      rack: "r12",
      lane: "colocated",
      sovereignty_zone: "EU",
      provider: "Example",
    },
    prices: {
      currency: "USD",
      energy_per_kwh: 0.2,
      gpu_hour: 3.6,
      lane_discount: 0.1,
      carbon_g_per_kwh: 400,
      embodied_g_per_gpu_hour: 36,
      pue: 1.5,
    },
    gpus: { idle_w: { default: 100, by_model: {} }, ceiling_w: 1500 },
    sources: [
      { name: "dcgm", kind: "dcgm", url: "http://127.0.0.1:9400/metrics" },
      { name: "vllm-a", kind: "vllm", url: "http://127.0.0.1:8000/metrics" },
      ...(extra.gateway
        ? [
            {
              name: "gateway",
              kind: "litellm",
              url: "http://127.0.0.1:4000/metrics",
              label: "team",
            },
          ]
        : []),
    ],
    workloads: [
      {
        name: "llama",
        tokens: "vllm-a",
        gpus: extra.gpus ?? [0],
        tenant: "acme",
        ...(extra.gateway ? { tenants: { source: "gateway", label: "team", model: "llama" } } : {}),
      },
    ],
    attribution: { idle: extra.idle ?? "spread", prompt_weight: 0.25, cached_weight: 0.025 },
  };
}

export function writeScenario(
  config: object,
  lines: { ts: number; source: string; body: string }[],
): Scenario {
  const dir = mkdtempSync(join(tmpdir(), "tw-replay-"));
  const configPath = join(dir, "agent.yaml");
  const capturePath = join(dir, "capture.ndjson");
  writeFileSync(configPath, stringify(config));
  writeFileSync(capturePath, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return { dir, configPath, capturePath };
}

/** One scrape of every source per second for t = T0 + 0..10 (inclusive), in source order. */
export function everySecond(
  make: (i: number) => { source: string; body: string }[],
  seconds = 10,
): { ts: number; source: string; body: string }[] {
  const out: { ts: number; source: string; body: string }[] = [];
  for (let i = 0; i <= seconds; i++) {
    for (const s of make(i)) out.push({ ts: (T0 + i) * 1000, ...s });
  }
  return out;
}
