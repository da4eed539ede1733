/**
 * Realistic usage lines and GPU readings for wire measurements: 8 H100s, 2 workloads of 4
 * GPUs, 3 tenants each, 60 s windows, values computed as docs/metering-model.md does
 * (idle: spread, PUE, measured host power, flat prices). Deterministic for a seed.
 */
import { formatUtcSeconds, type UsageLine } from "../../kernel/src/usage-line.js";
import type { GpuReading, TokenCount } from "../../wire/gpu-reading.js";

export interface RealisticBatch {
  lines: UsageLine[];
  readings: GpuReading[];
}

/** Park–Miller style LCG in [0, 1): deterministic, no dependency. */
function rng(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

const WINDOW_S = 60;
const MODEL = "NVIDIA H100 80GB HBM3";
const WORKLOADS = ["llama-70b", "qwen-32b"];
const TENANTS = ["acme", "globex", "initech"];
const PUE = 1.2;
const PRICE_KWH = 0.12;
const GPU_HOUR = 2.1;
const CARBON_KWH = 350;
const EMBODIED_GPU_HOUR = 25;
const IDLE_W = 70;

export function realisticBatch(windows: number, seed = 1, startS = 1_767_225_600): RealisticBatch {
  const rand = rng(seed);
  const uuids = Array.from({ length: 8 }, () => {
    const hex = () =>
      Math.floor(rand() * 0xffff)
        .toString(16)
        .padStart(4, "0");
    return `GPU-${hex()}${hex()}-${hex()}-${hex()}-${hex()}-${hex()}${hex()}${hex()}`;
  });
  const lines: UsageLine[] = [];
  const readings: GpuReading[] = [];
  for (let wi = 0; wi < windows; wi++) {
    const s = startS + wi * WINDOW_S;
    const energy = uuids.map(() => (250 + rand() * 450) * WINDOW_S + rand());
    const totalE = energy.reduce((a, b) => a + b, 0);
    const hostJ = (600 + rand() * 200) * WINDOW_S;
    // Per workload, per tenant token counts (tenant split fractional, then per GPU /4).
    const contrib = WORKLOADS.map(() =>
      TENANTS.map((): Omit<TokenCount, "workload" | "tenant"> => {
        const gen = 20_000 + rand() * 80_000;
        const prompt = 50_000 + rand() * 200_000;
        return {
          promptTokens: prompt / 4,
          cachedTokens: (prompt * rand() * 0.5) / 4,
          generationTokens: gen / 4,
          requests: (100 + rand() * 300) / 4,
        };
      }),
    );
    uuids.forEach((uuid, g) => {
      const wl = g < 4 ? 0 : 1;
      const e = energy[g];
      const covered = rand() < 0.95 ? WINDOW_S : WINDOW_S - Math.floor(rand() * 10);
      const h = (hostJ * e) / totalE;
      const f = (e + h) * PUE;
      const tokens = contrib[wl].map((c, t) => ({
        workload: WORKLOADS[wl],
        tenant: TENANTS[t],
        ...c,
      }));
      readings.push({
        windowStartS: s,
        windowS: WINDOW_S,
        resourceId: uuid,
        gpuModel: MODEL,
        energyJ: e,
        coveredS: covered,
        idleW: IDLE_W,
        meanPowerW: e / covered,
        meanUtilization: 0.4 + rand() * 0.6,
        hostEnergyJ: h,
        facilityEnergyJ: f,
        ownerWorkload: WORKLOADS[wl],
        ownerTenant: TENANTS[0],
        rejectedSamples: 0,
        tokens,
      });
      const eIdle = Math.min(e, IDLE_W * covered);
      const weights = tokens.map(
        (c) =>
          c.generationTokens +
          0.25 * Math.max(c.promptTokens - c.cachedTokens, 0) +
          0.025 * c.cachedTokens,
      );
      const sum = weights.reduce((a, b) => a + b, 0);
      tokens.forEach((c, t) => {
        const frac = weights[t] / sum;
        const facility = frac * f;
        const gpuSeconds = frac * WINDOW_S;
        const kwh = facility / 3.6e6;
        const hours = gpuSeconds / 3600;
        const energyCost = kwh * PRICE_KWH;
        const gpuTimeCost = hours * GPU_HOUR;
        const list = energyCost + gpuTimeCost;
        lines.push({
          ChargePeriodStart: formatUtcSeconds(s),
          ChargePeriodEnd: formatUtcSeconds(s + WINDOW_S),
          x_AgentId: "fra2-r12-h03",
          ResourceId: uuid,
          x_GpuModel: MODEL,
          x_Workload: c.workload,
          SubAccountId: c.tenant,
          x_LineKind: "usage",
          RegionId: "fra",
          AvailabilityZone: "fra2",
          x_Rack: "r12",
          x_Lane: "colocated",
          x_SovereigntyZone: "EU",
          x_GpuEnergyJ: frac * e,
          x_IdleEnergyJ: frac * eIdle,
          x_HostEnergyJ: frac * h,
          x_FacilityEnergyJ: facility,
          x_GpuSeconds: gpuSeconds,
          x_PromptTokens: c.promptTokens,
          x_CachedTokens: c.cachedTokens,
          x_GenerationTokens: c.generationTokens,
          x_Requests: c.requests,
          x_Coverage: covered / WINDOW_S,
          BillingCurrency: "USD",
          x_EnergyCost: energyCost,
          x_GpuTimeCost: gpuTimeCost,
          ListCost: list,
          EffectiveCost: list * (1 - 0),
          x_CarbonG: kwh * CARBON_KWH + hours * EMBODIED_GPU_HOUR,
          x_PriceVersion: "pb-2026-01",
        });
      });
    });
  }
  return { lines, readings };
}
