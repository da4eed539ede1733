/**
 * The resolved agent config: every default applied, every cross-field rule checked. Keys
 * are the YAML keys (snake_case) so the file is the documentation; see
 * agent.full.example.yaml for every key with its default.
 */
import type { Lane } from "../../kernel/src/usage-line.js";
import type { SourceConfig } from "../sources/types.js";

export interface AgentSection {
  id: string;
  /** Divides 86400. */
  window_s: number;
  scrape_interval_s: number;
  /** Default 3 × scrape_interval_s; always ≥ scrape_interval_s. */
  max_gap_s: number;
  spool_dir: string;
  spool_max_bytes: number;
  /** host:port of /metrics and /healthz. */
  listen: string;
  /** Learned state (idle power etc.); default `state` next to spool_dir. */
  state_dir: string;
  /** NDJSON file that receives usage lines (used until/unless a collector ships them). */
  sink?: string;
}

export interface SiteSection {
  metro: string;
  region_name: string;
  hall: string;
  rack: string;
  lane: Lane;
  sovereignty_zone: string;
  provider: string;
}

/** A time-of-use period, local wall-clock time in `prices.timezone`; `to` is exclusive. */
export interface EnergyPeriod {
  from: string;
  to: string;
  per_kwh: number;
}

/** Exactly one of energy_per_kwh / energy_schedule, and of carbon_g_per_kwh / carbon_source. */
export interface PricesSection {
  currency: string;
  energy_per_kwh?: number;
  energy_schedule?: EnergyPeriod[];
  /** Set whenever energy_schedule is. */
  timezone?: string;
  gpu_hour: number;
  lane_discount: number;
  carbon_g_per_kwh?: number;
  /** Name of a `carbon-intensity` source. */
  carbon_source?: string;
  embodied_g_per_gpu_hour: number;
  pue: number;
  /** Written on every line as x_PriceVersion. */
  version: string;
}

export interface GpusSection {
  idle_w: { default: number | "learn"; by_model: Record<string, number> };
  ceiling_w: number;
}

/** A source entry with its timeout resolved. */
export type ResolvedSourceConfig = SourceConfig & { timeout_s: number };

export interface WorkloadConfig {
  name: string;
  /** Name of a token source. */
  tokens: string;
  model?: string;
  /** GPU indices or `GPU-` UUIDs. */
  gpus: (number | string)[];
  /** Default tenant (SubAccountId); default attribution.owner_tenant. */
  tenant: string;
  tenants?: { source: string; label: string; model?: string };
}

export interface AttributionSection {
  idle: "spread" | "separate";
  prompt_weight: number;
  cached_weight: number;
  /** Tenant of idle lines of GPUs no workload claims. */
  owner_tenant: string;
}

export interface CollectorSection {
  urls: string[];
  tls?: { ca?: string; cert?: string; key?: string };
  token_file?: string;
  batch_max_lines: number;
  batch_max_delay_s: number;
  allow_plaintext: boolean;
}

export interface AgentConfig {
  agent: AgentSection;
  site: SiteSection;
  prices: PricesSection;
  gpus: GpusSection;
  sources: ResolvedSourceConfig[];
  workloads: WorkloadConfig[];
  attribution: AttributionSection;
  /** Absent: the agent does not ship (agent.sink is then set). */
  collector?: CollectorSection;
}
