import { stringify } from "yaml";
import { parseAgentConfig } from "../agent/config/load.js";
import type { SimEndpoint } from "./endpoint.js";
import type { SimModel } from "./model.js";

export interface SimAgentConfigOptions {
  /** Default `sim-host`. */
  agentId?: string;
  /** Default 60. */
  windowS?: number;
  /** Default 1. */
  scrapeIntervalS?: number;
  /** Default `./.tokenwatt-sim/spool`. */
  spoolDir?: string;
  /** NDJSON usage-line file; default `./.tokenwatt-sim/usage.ndjson` unless collectorUrls. */
  sink?: string;
  /** Ship to these collectors (plaintext on loopback). */
  collectorUrls?: string[];
  /** Agent /metrics address; default 127.0.0.1:0 is not allowed, so 127.0.0.1:9464. */
  listen?: string;
  /** `spread` (default) or `separate`. */
  idle?: "spread" | "separate";
}

/**
 * A ready-made agent config (YAML) pointing at the simulator's endpoints: dcgm for
 * energy, one vLLM source per workload, and the gateway splitting tokens by `team`.
 * It is checked against the agent config schema before it is returned.
 */
export function simulatorAgentConfig(
  model: SimModel,
  endpoints: readonly SimEndpoint[],
  o: SimAgentConfigOptions = {},
): string {
  const url = (name: string) => endpoints.find((e) => e.name === name)?.url ?? "";
  const shipping = o.collectorUrls !== undefined && o.collectorUrls.length > 0;
  const doc = {
    agent: {
      id: o.agentId ?? "sim-host",
      window_s: o.windowS ?? 60,
      scrape_interval_s: o.scrapeIntervalS ?? 1,
      spool_dir: o.spoolDir ?? "./.tokenwatt-sim/spool",
      listen: o.listen ?? "127.0.0.1:9464",
      ...(o.sink !== undefined || !shipping
        ? { sink: o.sink ?? "./.tokenwatt-sim/usage.ndjson" }
        : {}),
    },
    site: {
      metro: "sim",
      region_name: "Simulation",
      hall: "sim1",
      rack: "r1",
      lane: "colocated" as const,
    },
    gpus: { idle_w: { default: "learn" } },
    sources: [
      { name: "dcgm", kind: "dcgm", url: url("dcgm") },
      ...model.workloads.map((w) => ({ name: w.endpoint, kind: "vllm", url: url(w.endpoint) })),
      { name: "gateway", kind: "litellm", url: url("gateway"), label: "team" },
    ],
    workloads: model.workloads.map((w) => ({
      name: w.name,
      tokens: w.endpoint,
      model: w.model,
      gpus: w.gpus,
      tenants: { source: "gateway", label: "team", model: w.name },
    })),
    attribution: { idle: o.idle ?? "spread" },
    ...(shipping ? { collector: { urls: o.collectorUrls, allow_plaintext: true } } : {}),
  };
  const text = `# Agent config for the tokenwatt simulator (generated).\n${stringify(doc, { lineWidth: 0 })}`;
  parseAgentConfig(text, "simulator agent config");
  return text;
}
