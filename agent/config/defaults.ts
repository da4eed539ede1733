import { dirname, join } from "node:path";
import type { AgentConfigInput } from "./schema.js";
import type { AgentConfig, ResolvedSourceConfig } from "./types.js";

/** The defaults of ../shared/spec/agent.example.yaml plus our extensions, in one place. */
export const DEFAULTS = {
  window_s: 60,
  scrape_interval_s: 1,
  /** max_gap_s = this × scrape_interval_s. */
  max_gap_factor: 3,
  spool_dir: "/var/lib/tokenwatt/spool",
  spool_max_bytes: 1_073_741_824,
  listen: "127.0.0.1:9464",
  lane: "colocated",
  currency: "USD",
  energy_per_kwh: 0.12,
  gpu_hour: 2.1,
  lane_discount: 0,
  carbon_g_per_kwh: 350,
  embodied_g_per_gpu_hour: 25,
  pue: 1.2,
  price_version: "v1",
  idle_w: "learn",
  ceiling_w: 1500,
  /** Source timeout = min(scrape_interval_s, this). */
  max_timeout_s: 5,
  tenant_label: "team",
  idle: "spread",
  prompt_weight: 0.25,
  cached_weight: 0.025,
  owner_tenant: "operator",
  batch_max_lines: 5000,
  batch_max_delay_s: 5,
} as const;

/**
 * Fills every unset key. Placement strings (site.metro etc.) default to "" rather than the
 * example's values: a wrong metro on a bill is worse than an empty one.
 */
export function applyDefaults(input: AgentConfigInput): AgentConfig {
  const a = input.agent;
  const scrape = a.scrape_interval_s ?? DEFAULTS.scrape_interval_s;
  const spoolDir = a.spool_dir ?? DEFAULTS.spool_dir;
  const p = input.prices ?? {};
  const site = input.site ?? {};
  const att = input.attribution ?? {};
  const ownerTenant = att.owner_tenant ?? DEFAULTS.owner_tenant;
  const sources: ResolvedSourceConfig[] = (input.sources ?? []).map((s) => ({
    ...s,
    timeout_s: s.timeout_s ?? Math.min(scrape, DEFAULTS.max_timeout_s),
    ...(s.kind === "litellm" ? { label: s.label ?? DEFAULTS.tenant_label } : {}),
  }));
  const labelOf = (sourceName: string) =>
    sources.find((s) => s.name === sourceName)?.label ?? DEFAULTS.tenant_label;

  return {
    agent: {
      id: a.id,
      window_s: a.window_s ?? DEFAULTS.window_s,
      scrape_interval_s: scrape,
      max_gap_s: a.max_gap_s ?? DEFAULTS.max_gap_factor * scrape,
      spool_dir: spoolDir,
      spool_max_bytes: a.spool_max_bytes ?? DEFAULTS.spool_max_bytes,
      listen: a.listen ?? DEFAULTS.listen,
      state_dir: a.state_dir ?? join(dirname(spoolDir), "state"),
      ...(a.sink === undefined ? {} : { sink: a.sink }),
    },
    site: {
      metro: site.metro ?? "",
      region_name: site.region_name ?? "",
      hall: site.hall ?? "",
      rack: site.rack ?? "",
      lane: site.lane ?? DEFAULTS.lane,
      sovereignty_zone: site.sovereignty_zone ?? "",
      provider: site.provider ?? "",
    },
    prices: {
      currency: p.currency ?? DEFAULTS.currency,
      ...(p.energy_schedule === undefined
        ? { energy_per_kwh: p.energy_per_kwh ?? DEFAULTS.energy_per_kwh }
        : { energy_schedule: p.energy_schedule }),
      ...(p.timezone === undefined ? {} : { timezone: p.timezone }),
      gpu_hour: p.gpu_hour ?? DEFAULTS.gpu_hour,
      lane_discount: p.lane_discount ?? DEFAULTS.lane_discount,
      ...(p.carbon_source === undefined
        ? { carbon_g_per_kwh: p.carbon_g_per_kwh ?? DEFAULTS.carbon_g_per_kwh }
        : { carbon_source: p.carbon_source }),
      embodied_g_per_gpu_hour: p.embodied_g_per_gpu_hour ?? DEFAULTS.embodied_g_per_gpu_hour,
      pue: p.pue ?? DEFAULTS.pue,
      version: p.version ?? DEFAULTS.price_version,
    },
    gpus: {
      idle_w: {
        default: input.gpus?.idle_w?.default ?? DEFAULTS.idle_w,
        by_model: { ...(input.gpus?.idle_w?.by_model ?? {}) },
      },
      ceiling_w: input.gpus?.ceiling_w ?? DEFAULTS.ceiling_w,
    },
    sources,
    workloads: (input.workloads ?? []).map((w) => ({
      name: w.name,
      tokens: w.tokens,
      ...(w.model === undefined ? {} : { model: w.model }),
      gpus: [...w.gpus],
      tenant: w.tenant ?? ownerTenant,
      ...(w.tenants === undefined
        ? {}
        : {
            tenants: {
              source: w.tenants.source,
              label: w.tenants.label ?? labelOf(w.tenants.source),
              ...(w.tenants.model === undefined ? {} : { model: w.tenants.model }),
            },
          }),
    })),
    attribution: {
      idle: att.idle ?? DEFAULTS.idle,
      prompt_weight: att.prompt_weight ?? DEFAULTS.prompt_weight,
      cached_weight: att.cached_weight ?? DEFAULTS.cached_weight,
      owner_tenant: ownerTenant,
    },
    ...(input.collector === undefined
      ? {}
      : {
          collector: {
            urls: [...input.collector.urls],
            ...(input.collector.tls === undefined ? {} : { tls: { ...input.collector.tls } }),
            ...(input.collector.token_file === undefined
              ? {}
              : { token_file: input.collector.token_file }),
            batch_max_lines: input.collector.batch_max_lines ?? DEFAULTS.batch_max_lines,
            batch_max_delay_s: input.collector.batch_max_delay_s ?? DEFAULTS.batch_max_delay_s,
            allow_plaintext: input.collector.allow_plaintext ?? false,
          },
        }),
  };
}
