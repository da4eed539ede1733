/**
 * What every source produces. A source has two halves: `fetch` gets a raw body (HTTP
 * exposition, nvidia-smi CSV, Redfish JSON, RAPL file text) and `parse` turns a body into a
 * `Scrape`. `parse` is pure, so replay of a capture runs exactly the code the live agent ran.
 */

/** One GPU as seen in one scrape. Missing values are undefined, never NaN. */
export interface GpuSample {
  /** NVML form, `GPU-xxxxxxxx-…`. */
  uuid: string;
  index?: number;
  /** e.g. `NVIDIA H100 80GB HBM3`. */
  model?: string;
  powerW?: number;
  /** Cumulative energy counter, joules (dcgm's mJ and RAPL's µJ are converted by the source). */
  energyJ?: number;
  utilizationPct?: number;
  /** Enforced board power limit, W (nvidia-smi `power.limit`, dcgm `DCGM_FI_DEV_POWER_MGMT_LIMIT`). */
  powerLimitW?: number;
  /** Host the exporter reported (dcgm `Hostname`/`hostname`), when it says. */
  host?: string;
}

/**
 * Cumulative token counters of one underlying series set (e.g. one vLLM engine, one model).
 * The meter tracks each `key` as its own counter so a restart of one engine is seen as a
 * restart, not as a decrease of a sum.
 */
export interface TokenSample {
  /** Stable identity within the source, e.g. `model=llama|engine=0`. */
  key: string;
  /** The served model label, `""` when the server does not label it. */
  model: string;
  /** Tenant label value (LiteLLM `team` etc.) when the source splits by tenant. */
  tenant?: string;
  promptTokens?: number;
  cachedTokens?: number;
  generationTokens?: number;
  requests?: number;
}

/** Host, facility and grid series. */
export interface SeriesSample {
  /**
   * `host_power_w`, `host_energy_j` (cumulative), `facility_power_w`, `carbon_g_per_kwh`, or a cooling gauge.
   * Full list and units: docs/sources.md. `host_energy_j` keyed `rapl/…` is CPU+DRAM only (no GPUs).
   */
  metric: string;
  value: number;
  /** Optional sub-identity (RAPL zone, CDU id). */
  key?: string;
}

export interface Scrape {
  /** When the scrape completed, epoch milliseconds. */
  timeMs: number;
  source: string;
  gpus: GpuSample[];
  tokens: TokenSample[];
  series: SeriesSample[];
  /** Values the source itself discarded (sentinels, N/A, unparsable numbers), counted on /metrics. */
  discarded: number;
}

/** Outcome of fetching a body: a value, never a throw through the loop. */
export type FetchResult =
  | { ok: true; body: string; timeMs: number }
  | { ok: false; retryable: boolean; error: Error; timeMs: number };

export type SourceKind =
  | "dcgm"
  | "nvidia-gpu-exporter"
  | "nvidia-smi"
  | "vllm"
  | "sglang"
  | "tgi"
  | "llamacpp"
  | "trtllm"
  | "nim"
  | "litellm"
  | "host-power"
  | "facility-power"
  | "redfish-cdu"
  | "carbon-intensity";

/** A source's config entry (`sources[]` in the agent config). */
export interface SourceConfig {
  name: string;
  kind: SourceKind;
  url?: string;
  /** host-power / facility-power / carbon-intensity: the series to read. */
  metric?: string;
  /** Unit of `metric`: W or kW for power. */
  unit?: string;
  /** litellm: the label that names the tenant (default `team`). */
  label?: string;
  /** litellm: the label that names the model (default `requested_model`, else `model`). */
  model_label?: string;
  /** litellm: keep only this model's series (the gateway's model label for the workload). */
  model?: string;
  timeout_s?: number;
  /** nvidia-smi: the binary to run (default `nvidia-smi` on PATH). */
  command?: string;
  /** host-power RAPL: the powercap root (default /sys/class/powercap). */
  path?: string;
}

/** The lifecycle every component shares (see test/lifecycle.test.ts). */
export interface Component {
  start(): Promise<void>;
  /** Idempotent, safe without start, flushes before it resolves. */
  shutdown(): Promise<void>;
}

export interface Source {
  readonly config: SourceConfig;
  fetch(signal: AbortSignal): Promise<FetchResult>;
  parse(body: string, timeMs: number): Scrape;
}
