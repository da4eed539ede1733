/**
 * Stage 1's output for one GPU in one window plus the tokens it served per workload and
 * tenant (proto: tokenwatt.v1.GpuReading). Enough for the collector to re-attribute and
 * re-price a window without the raw samples.
 */
export interface GpuReading {
  /** Window start, UTC epoch seconds, a multiple of windowS. */
  windowStartS: number;
  windowS: number;
  /** GPU UUID (`GPU-…`). */
  resourceId: string;
  gpuModel: string;
  energyJ: number;
  coveredS: number;
  /** Idle power used for the idle/dynamic split, watts. */
  idleW: number;
  meanPowerW: number;
  /** 0..1. */
  meanUtilization: number;
  /** Host energy attributed to this GPU (H_g), joules. */
  hostEnergyJ: number;
  /** Facility energy of this GPU (F_g), joules. */
  facilityEnergyJ: number;
  /** `""` for an unassigned GPU. */
  ownerWorkload: string;
  ownerTenant: string;
  rejectedSamples: number;
  tokens: TokenCount[];
}

/** One workload × tenant's tokens on one GPU in one window (the GPU's share). */
export interface TokenCount {
  workload: string;
  tenant: string;
  promptTokens: number;
  cachedTokens: number;
  generationTokens: number;
  requests: number;
}
