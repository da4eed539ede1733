/**
 * A WindowResult with no GPUs (no readings): enough for sinks that take lines plus the
 * window's readings, when a test brings its own lines (e.g. bench/wire/realistic-batch.ts).
 */
import type { WindowResult } from "../../agent/meter/window.js";

export function linesOnlyWindow(startS: number, windowS: number): WindowResult {
  const f = () => new Float64Array(0);
  const i = () => new Int32Array(0);
  return {
    startS,
    windowS,
    input: {
      promptWeight: 0.25,
      cachedWeight: 0.025,
      idleSeparate: false,
      windows: {
        startS: Float64Array.of(startS),
        lengthS: Float64Array.of(windowS),
        hostJ: f(),
        overheadJ: f(),
        pue: f(),
        pricePerKwh: f(),
        carbonGPerKwh: f(),
        gpuRatePerHour: f(),
        discount: f(),
        embodiedGPerGpuHour: f(),
      },
      readings: {
        window: i(),
        energyJ: f(),
        coveredS: f(),
        idleW: f(),
        ownerWorkload: i(),
        ownerTenant: i(),
      },
      contributions: {
        window: i(),
        workload: i(),
        tenant: i(),
        prompt: f(),
        cached: f(),
        gen: f(),
        requests: f(),
        gpuStart: i(),
        gpuCount: i(),
        gpuIndex: i(),
      },
    },
    output: {
      count: 0,
      reading: i(),
      workload: i(),
      tenant: i(),
      kind: new Uint8Array(0),
      gpuEnergyJ: f(),
      idleEnergyJ: f(),
      hostEnergyJ: f(),
      facilityEnergyJ: f(),
      gpuSeconds: f(),
      prompt: f(),
      cached: f(),
      gen: f(),
      requests: f(),
      coverage: f(),
      energyCost: f(),
      gpuTimeCost: f(),
      listCost: f(),
      effectiveCost: f(),
      carbonG: f(),
    },
    gpus: [],
    workloads: [],
    workloadModels: [],
    tenants: [],
    unattributedTokens: 0,
  };
}
