/**
 * Bench inputs, written straight into the WASM frames' views (the tuned TS then reads
 * the very same typed arrays). Deterministic (seeded PRNG), realistic: 1 s scrapes with
 * jitter and misalignment, a few bad samples, resets and gaps; 8 GPUs per host with
 * three workloads (one sharing GPUs) and three tenants each.
 */

import { SeriesMode } from "../../kernel/src/types.js";
import type { Stage1Frame, Stage2Frame } from "../../kernel/src/wasm-runtime.js";

export const WINDOW_S = 60;
export const START_S = 1_700_000_040;
export const MAX_GAP_S = 15;

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stage1Shape(nSeries: number, perSeries: number) {
  const spanS = perSeries * 1.0 + 10;
  return { nSeries, nSamples: nSeries * perSeries, nWindows: Math.ceil(spanS / WINDOW_S) + 1 };
}

export function fillStage1(f: Stage1Frame, perSeries: number): void {
  const r = rng(42);
  const { nSeries } = f.shape;
  const T = f.timeS;
  const V = f.value;
  let i = 0;
  for (let s = 0; s < nSeries; s++) {
    f.offsets[s] = i;
    // 40% power/utilization gauges, 30% energy counters, 30% token counters.
    const u = s % 10;
    const mode = u < 4 ? SeriesMode.Power : u < 7 ? SeriesMode.Counter : SeriesMode.CounterNoGap;
    f.mode[s] = mode;
    f.ceiling[s] = mode === SeriesMode.Power ? 1000 : 2000;
    let t = START_S - 3 + r() * 2;
    let p = 200 + 500 * r();
    let counter = mode === SeriesMode.Counter ? 1.2e9 * r() : 1e7 * r();
    for (let j = 0; j < perSeries; j++, i++) {
      t += 0.95 + 0.1 * r();
      if (r() < 2e-5) t += 30; // a missed stretch of scrapes: a gap
      p = Math.min(990, Math.max(60, p + (r() - 0.5) * 40));
      if (mode === SeriesMode.Power) V[i] = p;
      else {
        counter += mode === SeriesMode.Counter ? p : 600 * r();
        if (r() < 2e-5) counter = 1000 * r(); // restart
        V[i] = counter;
      }
      T[i] = t;
      const bad = r();
      if (bad < 1e-4) V[i] = Number.NaN;
      else if (bad < 1.5e-4) T[i] = t - 5; // out of order
    }
  }
  f.offsets[nSeries] = i;
}

/** GPUs 0-3: workload 0; 4-7: workload 1; 6-7 also workload 2. Three tenants each. */
const WORKLOADS = [
  [0, 1, 2, 3],
  [4, 5, 6, 7],
  [6, 7],
];
export const GPUS = 8;
export const TENANTS = 3;

export function stage2Shape(nWindows: number) {
  const perWindow = WORKLOADS.length * TENANTS;
  const idxPerWindow = TENANTS * WORKLOADS.reduce((a, w) => a + w.length, 0);
  return {
    nWindows,
    nReadings: nWindows * GPUS,
    nContribs: nWindows * perWindow,
    nGpuIndex: nWindows * idxPerWindow,
    lineCapacity: nWindows * (GPUS + idxPerWindow),
  };
}

export function fillStage2(f: Stage2Frame): void {
  const r = rng(7);
  const { nWindows } = f.shape;
  const w = f.windows;
  const g = f.readings;
  const c = f.contributions;
  let ri = 0;
  let ci = 0;
  let xi = 0;
  for (let k = 0; k < nWindows; k++) {
    w.startS[k] = START_S + k * WINDOW_S;
    w.lengthS[k] = WINDOW_S;
    w.hostJ[k] = 20_000 + 5_000 * r();
    // Liquid-cooled racks measure overhead; the others use a PUE.
    w.overheadJ[k] = k % 2 === 0 ? 8_000 * r() : Number.NaN;
    w.pue[k] = 1.3;
    w.pricePerKwh[k] = 0.12 + 0.05 * r();
    w.carbonGPerKwh[k] = 300 + 100 * r();
    w.gpuRatePerHour[k] = 2.1;
    w.discount[k] = 0.15;
    w.embodiedGPerGpuHour[k] = 18;
    const first = ri;
    for (let q = 0; q < GPUS; q++, ri++) {
      g.window[ri] = k;
      g.energyJ[ri] = 6_000 + 36_000 * r();
      g.coveredS[ri] = r() < 0.02 ? 45 : 60;
      g.idleW[ri] = 70;
      g.ownerWorkload[ri] = q < 4 ? 0 : 1;
      g.ownerTenant[ri] = 0;
    }
    // Workload 0 sits idle in one window out of ten.
    const idle0 = r() < 0.1;
    WORKLOADS.forEach((gpus, wl) => {
      for (let t = 0; t < TENANTS; t++, ci++) {
        const quiet = wl === 0 && idle0;
        c.window[ci] = k;
        c.workload[ci] = wl;
        c.tenant[ci] = t;
        c.prompt[ci] = quiet ? 0 : 20_000 * r();
        c.cached[ci] = quiet ? 0 : c.prompt[ci] * 0.4 * r();
        c.gen[ci] = quiet ? 0 : 5_000 * r();
        c.requests[ci] = quiet ? 0 : Math.floor(100 * r());
        c.gpuStart[ci] = xi;
        c.gpuCount[ci] = gpus.length;
        for (const q of gpus) c.gpuIndex[xi++] = first + q;
      }
    });
  }
}
