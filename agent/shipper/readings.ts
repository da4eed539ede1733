/**
 * A finished window's GPU readings (wire/gpu-reading.ts): stage 1's per-GPU figures from the
 * kernel's stage-2 input, each GPU's share of every token contribution (the contribution's
 * counts / its GPU count, as stage 2 spreads a workload evenly), and the host and facility
 * energy the window's lines attribute to the GPU (their sums, so lines and readings agree).
 */
import type { GpuReading, TokenCount } from "../../wire/gpu-reading.js";
import type { WindowResult } from "../meter/window.js";

export function readingsOfWindow(w: WindowResult): GpuReading[] {
  const r = w.input.readings;
  const n = r.energyJ.length;
  const host = new Float64Array(n);
  const facility = new Float64Array(n);
  const out = w.output;
  for (let l = 0; l < out.count; l++) {
    host[out.reading[l]] += out.hostEnergyJ[l];
    facility[out.reading[l]] += out.facilityEnergyJ[l];
  }
  const tokens: TokenCount[][] = Array.from({ length: n }, () => []);
  const c = w.input.contributions;
  for (let k = 0; k < c.workload.length; k++) {
    const count = c.gpuCount[k];
    if (count <= 0) continue;
    for (let j = 0; j < count; j++) {
      const g = c.gpuIndex[c.gpuStart[k] + j];
      tokens[g]?.push({
        workload: w.workloads[c.workload[k]] ?? "",
        tenant: w.tenants[c.tenant[k]] ?? "",
        promptTokens: c.prompt[k] / count,
        cachedTokens: c.cached[k] / count,
        generationTokens: c.gen[k] / count,
        requests: c.requests[k] / count,
      });
    }
  }
  const readings: GpuReading[] = [];
  for (let g = 0; g < n; g++) {
    const facts = w.gpus[g];
    readings.push({
      windowStartS: w.startS,
      windowS: w.windowS,
      resourceId: facts.uuid,
      gpuModel: facts.model,
      energyJ: r.energyJ[g],
      coveredS: r.coveredS[g],
      idleW: r.idleW[g],
      meanPowerW: facts.meanPowerW,
      meanUtilization: facts.meanUtilizationPct / 100,
      hostEnergyJ: host[g],
      facilityEnergyJ: facility[g],
      ownerWorkload: w.workloads[r.ownerWorkload[g]] ?? "",
      ownerTenant: w.tenants[r.ownerTenant[g]] ?? "",
      rejectedSamples: 0,
      tokens: tokens[g],
    });
  }
  return readings;
}
