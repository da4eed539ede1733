import type { StepSeries } from "../../kernel/src/types.js";
import type { Lane } from "../../kernel/src/usage-line.js";

/**
 * What the meter needs from the agent config, resolved into plain data (see
 * `planFromConfig`). Kept separate from the YAML schema so replay, tests and benches can
 * build a plan directly.
 */
export interface MeterPlan {
  agentId: string;
  windowS: number;
  maxGapS: number;
  /** Samples above this are rejected (W). */
  ceilingW: number;
  /** Names of sources that report GPUs (dcgm, nvidia-gpu-exporter, nvidia-smi), in config order. */
  gpuSources: string[];
  /** Names of sources that report tokens (vllm, …, litellm). */
  tokenSources: string[];
  /** host-power source, and whether its reading includes the GPUs (a PDU does, RAPL does not). */
  hostSource?: { name: string; includesGpus: boolean };
  /** Fixed host overhead when no host-power source is configured (W). */
  hostOverheadW: number;
  /** facility-power or redfish-cdu source: measured overhead power. */
  facilitySource?: string;
  /** carbon-intensity source: grid gCO2e/kWh series. */
  carbonSource?: string;
  workloads: WorkloadPlan[];
  site: SitePlan;
  prices: PricePlan;
  attribution: {
    idleSeparate: boolean;
    promptWeight: number;
    cachedWeight: number;
    ownerTenant: string;
  };
  /** idle W for a GPU: resolved per GPU model by the caller (config, learned, or table). */
  idleW(uuid: string, model: string): number;
}

export interface WorkloadPlan {
  name: string;
  tokenSource: string;
  /** Matches TokenSample.model; undefined = every model of the source. */
  model?: string;
  /** GPU indices or UUIDs. */
  gpus: (number | string)[];
  tenant: string;
  tenants?: { source: string; label: string; model?: string };
}

export interface SitePlan {
  metro: string;
  hall: string;
  rack: string;
  lane: Lane;
  sovereigntyZone: string;
  currency: string;
  priceVersion: string;
}

export interface PricePlan {
  /** Energy price per kWh as a step series in UTC (flat = one step), built for a time range. */
  energyPerKwh(fromS: number, toS: number): StepSeries;
  gpuHour: number;
  laneDiscount: number;
  carbonGPerKwh: number;
  embodiedGPerGpuHour: number;
  pue: number;
}
