import type { GpuReadingRow, ReadingChunk, TimeRangeS } from "./types.js";

/** GpuReadingRow field of each stored reading column; both stores use the same names. */
export const READING_FIELD: Record<string, keyof GpuReadingRow> = {
  agent_id: "agentId",
  window_start: "windowStartS",
  window_s: "windowS",
  gpu_uuid: "resourceId",
  gpu_model: "gpuModel",
  energy_j: "energyJ",
  covered_s: "coveredS",
  idle_w: "idleW",
  mean_power_w: "meanPowerW",
  mean_utilization: "meanUtilization",
  host_energy_j: "hostEnergyJ",
  facility_energy_j: "facilityEnergyJ",
  owner_workload: "ownerWorkload",
  owner_tenant: "ownerTenant",
  rejected_samples: "rejectedSamples",
  metro: "metro",
  hall: "hall",
  rack: "rack",
  lane: "lane",
  sovereignty_zone: "sovereigntyZone",
};

/** A ReadingChunk of `n` readings with zeroed columns and no token rows yet. */
export function newReadingChunk(range: TimeRangeS, n: number, handle: unknown): ReadingChunk {
  return {
    range,
    count: n,
    group: new Int32Array(n),
    lane: new Int32Array(n),
    windowStartS: new Float64Array(n),
    windowS: new Float64Array(n),
    energyJ: new Float64Array(n),
    coveredS: new Float64Array(n),
    idleW: new Float64Array(n),
    hostEnergyJ: new Float64Array(n),
    facilityEnergyJ: new Float64Array(n),
    tokens: {
      count: 0,
      reading: new Int32Array(0),
      prompt: new Float64Array(0),
      cached: new Float64Array(0),
      gen: new Float64Array(0),
      requests: new Float64Array(0),
    },
    handle,
  };
}
