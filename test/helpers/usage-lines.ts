/**
 * Realistic synthetic usage lines and GPU readings: several agents in two metros, GPUs
 * shared by one or two workloads, tenants split by tokens, idle GPUs, a time-of-use energy
 * price, lane discounts. Lines obey the usage-line invariants (ListCost = energy + GPU-time
 * cost, EffectiveCost = ListCost × (1 − discount), GPU seconds of a GPU sum to the window).
 * Deterministic for a seed.
 */

import type { GpuReadingRow, IngestBatch, StoredUsageLine } from "../../collector/store/types.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import { formatUtcSeconds } from "../../kernel/src/usage-line.js";

export interface GenerateOptions {
  seed?: number;
  agents?: number;
  gpusPerAgent?: number;
  /** First window start, epoch seconds (a multiple of windowS). */
  startS?: number;
  windows?: number;
  windowS?: number;
  priceVersion?: string;
}

export interface Generated {
  lines: StoredUsageLine[];
  readings: GpuReadingRow[];
}

interface Site {
  metro: string;
  hall: string;
  rack: string;
  lane: UsageLine["x_Lane"];
  zone: string;
  discount: number;
}

const SITES: Site[] = [
  { metro: "fra", hall: "fra2", rack: "r12", lane: "colocated", zone: "EU", discount: 0 },
  { metro: "fra", hall: "fra2", rack: "r13", lane: "reserved", zone: "EU", discount: 0.2 },
  { metro: "ams", hall: "ams1", rack: "r01", lane: "sovereign", zone: "EU", discount: 0.1 },
];
const WORKLOADS = [
  { name: "llama-70b", model: "meta-llama/Llama-3.1-70B-Instruct", tenants: ["acme", "globex"] },
  { name: "mixtral", model: "mistralai/Mixtral-8x7B-Instruct-v0.1", tenants: ["initech"] },
  { name: "embed", model: "BAAI/bge-m3", tenants: ["acme"] },
];
const GPU_MODEL = "NVIDIA H100 80GB HBM3";
const GPU_HOUR = 2.1;
const CARBON_G_PER_KWH = 350;
const EMBODIED_G_PER_GPU_HOUR = 25;
const PUE = 1.2;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Time-of-use energy price: 0.18/kWh 07:00–22:00 UTC, else 0.09. */
export function energyPrice(startS: number): number {
  const h = new Date(startS * 1000).getUTCHours();
  return h >= 7 && h < 22 ? 0.18 : 0.09;
}

export function generateUsage(options: GenerateOptions = {}): Generated {
  const random = rng(options.seed ?? 1);
  const nAgents = options.agents ?? 3;
  const nGpus = options.gpusPerAgent ?? 2;
  const windowS = options.windowS ?? 60;
  const startS = options.startS ?? Date.UTC(2025, 5, 1, 6, 0, 0) / 1000;
  const nWindows = options.windows ?? 150;
  const priceVersion = options.priceVersion ?? "pv-2025-06";
  const lines: StoredUsageLine[] = [];
  const readings: GpuReadingRow[] = [];
  for (let a = 0; a < nAgents; a++) {
    const site = SITES[a % SITES.length];
    const agentId = `${site.hall}-${site.rack}-h${String(a).padStart(2, "0")}`;
    for (let g = 0; g < nGpus; g++) {
      const uuid = `GPU-${a.toString(16).padStart(8, "0")}-${g.toString(16).padStart(4, "0")}-4e3a-9c1d-0123456789ab`;
      // GPU 0 of each agent is shared by two workloads; the last GPU of agent 2 is unassigned.
      const unassigned = a === 2 && g === nGpus - 1;
      const wl = unassigned
        ? []
        : g === 0
          ? [WORKLOADS[0], WORKLOADS[1]]
          : [WORKLOADS[(a + g) % 3]];
      const owner = wl[0];
      for (let w = 0; w < nWindows; w++) {
        const s = startS + w * windowS;
        const busy = wl.length > 0 && random() > 0.15;
        const powerW = busy ? 350 + 300 * random() : 60 + 20 * random();
        const energyJ = powerW * windowS;
        const hostJ = energyJ * 0.1;
        const facilityJ = (energyJ + hostJ) * PUE;
        const idleJ = Math.min(energyJ, 70 * windowS);
        const parts: {
          workload: string;
          model: string;
          tenant: string;
          prompt: number;
          cached: number;
          gen: number;
          requests: number;
          f: number;
          kind: UsageLine["x_LineKind"];
        }[] = [];
        if (busy) {
          const shares = wl.map(() => 0.2 + random());
          const total = shares.reduce((x, y) => x + y, 0);
          wl.forEach((wk, i) => {
            const tShares = wk.tenants.map(() => 0.1 + random());
            const tTotal = tShares.reduce((x, y) => x + y, 0);
            wk.tenants.forEach((tenant, j) => {
              const f = (shares[i] / total) * (tShares[j] / tTotal);
              const gen = Math.round(4000 * f * (1 + random()));
              const prompt = Math.round(gen * (2 + 4 * random()));
              parts.push({
                workload: wk.name,
                model: wk.model,
                tenant,
                prompt,
                cached: Math.round(prompt * 0.3 * random()),
                gen,
                requests: Math.round(gen / 200),
                f,
                kind: "usage",
              });
            });
          });
        } else {
          parts.push({
            workload: owner?.name ?? "",
            model: owner?.model ?? "",
            tenant: owner?.tenants[0] ?? "",
            prompt: 0,
            cached: 0,
            gen: 0,
            requests: 0,
            f: 1,
            kind: "idle",
          });
        }
        const price = energyPrice(s);
        for (const p of parts) {
          const facility = p.f * facilityJ;
          const gpuSeconds = p.f * windowS;
          const kwh = facility / 3.6e6;
          const hours = gpuSeconds / 3600;
          const energyCost = kwh * price;
          const gpuTimeCost = hours * GPU_HOUR;
          const listCost = energyCost + gpuTimeCost;
          lines.push({
            ChargePeriodStart: formatUtcSeconds(s),
            ChargePeriodEnd: formatUtcSeconds(s + windowS),
            x_AgentId: agentId,
            ResourceId: uuid,
            x_GpuModel: GPU_MODEL,
            x_Workload: p.workload,
            x_Model: p.model,
            SubAccountId: p.tenant,
            x_LineKind: p.kind,
            RegionId: site.metro,
            AvailabilityZone: site.hall,
            x_Rack: site.rack,
            x_Lane: site.lane,
            x_SovereigntyZone: site.zone,
            x_GpuEnergyJ: p.f * energyJ,
            x_IdleEnergyJ: p.f * idleJ,
            x_HostEnergyJ: p.f * hostJ,
            x_FacilityEnergyJ: facility,
            x_GpuSeconds: gpuSeconds,
            x_PromptTokens: p.prompt,
            x_CachedTokens: p.cached,
            x_GenerationTokens: p.gen,
            x_Requests: p.requests,
            x_Coverage: busy ? 1 : 0.95,
            BillingCurrency: "USD",
            x_EnergyCost: energyCost,
            x_GpuTimeCost: gpuTimeCost,
            ListCost: listCost,
            EffectiveCost: listCost * (1 - site.discount),
            x_CarbonG: kwh * CARBON_G_PER_KWH + hours * EMBODIED_G_PER_GPU_HOUR,
            x_PriceVersion: priceVersion,
          });
        }
        readings.push({
          agentId,
          windowStartS: s,
          windowS,
          resourceId: uuid,
          gpuModel: GPU_MODEL,
          energyJ,
          coveredS: busy ? windowS : windowS * 0.95,
          idleW: 70,
          meanPowerW: powerW,
          meanUtilization: busy ? 0.8 : 0,
          hostEnergyJ: hostJ,
          facilityEnergyJ: facilityJ,
          ownerWorkload: owner?.name ?? "",
          ownerTenant: owner?.tenants[0] ?? "",
          rejectedSamples: 0,
          tokens: parts
            .filter((p) => p.kind === "usage")
            .map((p) => ({
              workload: p.workload,
              tenant: p.tenant,
              promptTokens: p.prompt,
              cachedTokens: p.cached,
              generationTokens: p.gen,
              requests: p.requests,
            })),
          metro: site.metro,
          hall: site.hall,
          rack: site.rack,
          lane: site.lane,
          sovereigntyZone: site.zone,
        });
      }
    }
  }
  return { lines, readings };
}

/** Splits generated data into per-agent batches of at most `size` lines, seq from 1. */
export function toBatches(data: Generated, size: number, bootId = "boot-1"): IngestBatch[] {
  const byAgent = new Map<string, Generated>();
  for (const l of data.lines) {
    const g = byAgent.get(l.x_AgentId) ?? { lines: [], readings: [] };
    g.lines.push(l);
    byAgent.set(l.x_AgentId, g);
  }
  for (const r of data.readings) byAgent.get(r.agentId)?.readings.push(r);
  const batches: IngestBatch[] = [];
  for (const [agentId, g] of byAgent) {
    const n = Math.ceil(g.lines.length / size);
    const rPer = Math.ceil(g.readings.length / n);
    for (let i = 0; i < n; i++) {
      batches.push({
        agentId,
        bootId,
        seq: i + 1,
        lines: g.lines.slice(i * size, (i + 1) * size),
        readings: g.readings.slice(i * rPer, (i + 1) * rPer),
      });
    }
  }
  return batches;
}

/** Sum of a numeric line field. */
export function sumField(lines: readonly StoredUsageLine[], field: keyof UsageLine): number {
  let s = 0;
  for (const l of lines) s += l[field] as number;
  return s;
}
