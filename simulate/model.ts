/**
 * The simulated host: GPU power follows the load of the workloads on it, energy is the
 * exact integral of that power, and token counters are exact integrals of load. All
 * signals are piecewise linear through knots every stepMs, so every counter agrees with
 * its gauge to rounding. Units: W, J, seconds; times epoch ms. Queries follow the clock:
 * a time earlier than one already asked for reads as that latest time (counters never go back).
 */
import type { LoadCurve } from "./curve.js";
import { makeLoadCurve } from "./curve.js";
import { PiecewiseIntegrator } from "./integrator.js";
import type { ResolvedSimOptions } from "./options.js";
import { between, gpuUuid, rng } from "./prng.js";

export const GPU_MODEL = "NVIDIA H100 80GB HBM3";

export interface SimGpu {
  index: number;
  uuid: string;
  model: string;
  idleW: number;
  peakW: number;
  /** Workload indices on this GPU. */
  workloads: number[];
}

export interface SimWorkload {
  name: string;
  model: string;
  endpoint: string;
  gpus: number[];
  /** Generated tokens per second at load 1 (all GPUs). */
  genPerS: number;
  /** Prompt tokens per generated token. */
  promptPerGen: number;
  /** Fraction of prompt tokens served from the prefix cache. */
  hitRatio: number;
  /** Mean generated tokens per finished request. */
  genPerRequest: number;
  /** Load-seconds served before the simulation started (counters do not start at 0). */
  priorLoadS: number;
}

export class SimModel {
  readonly gpus: SimGpu[];
  readonly workloads: SimWorkload[];
  readonly startMs: number;
  private readonly curves: LoadCurve[];
  private readonly power: PiecewiseIntegrator[];
  private readonly load: PiecewiseIntegrator[];
  /** Energy since "boot" before the simulation started, J. */
  readonly priorEnergyJ: number[];

  constructor(o: ResolvedSimOptions) {
    this.startMs = o.clock();
    this.workloads = o.workloads.map((w, i) => {
      const r = rng(o.seed, "workload", i);
      return {
        name: w.name,
        model: w.model,
        endpoint: w.endpoint,
        gpus: [...w.gpus],
        genPerS: w.genTokensPerSecPerGpu * w.gpus.length,
        promptPerGen: between(r, 2, 5),
        hitRatio: between(r, 0.2, 0.6),
        genPerRequest: between(r, 180, 420),
        priorLoadS: between(r, 600, 20_000),
      };
    });
    this.curves = this.workloads.map((_, i) => makeLoadCurve(rng(o.seed, "curve", i)));
    this.gpus = Array.from({ length: o.gpuCount }, (_, g) => {
      const r = rng(o.seed, "gpu", g);
      return {
        index: g,
        uuid: gpuUuid(r),
        model: GPU_MODEL,
        idleW: between(r, 66, 74),
        peakW: between(r, 680, 700),
        workloads: this.workloads.flatMap((w, i) => (w.gpus.includes(g) ? [i] : [])),
      };
    });
    this.priorEnergyJ = this.gpus.map((_, g) => between(rng(o.seed, "boot", g), 1e5, 5e6));
    const knotS = (k: number) => (k * o.stepMs) / 1000;
    this.load = this.curves.map(
      (c) => new PiecewiseIntegrator((k) => c(knotS(k)), o.stepMs, this.startMs),
    );
    this.power = this.gpus.map(
      (gpu) =>
        new PiecewiseIntegrator((k) => this.powerAtKnot(gpu, knotS(k)), o.stepMs, this.startMs),
    );
  }

  private gpuLoadAtS(gpu: SimGpu, tS: number): number {
    let l = 0;
    for (const w of gpu.workloads) l += this.curves[w](tS);
    return Math.min(1, l);
  }

  /** Power is affine in load, plus a few watts of slow wander so GPUs never read identical. */
  private powerAtKnot(gpu: SimGpu, tS: number): number {
    const wander = 1.5 * Math.sin((2 * Math.PI * tS) / (97 + 7 * gpu.index) + gpu.index);
    return gpu.idleW + (gpu.peakW - gpu.idleW) * this.gpuLoadAtS(gpu, tS) + wander;
  }

  /** Power of GPU `g` at `timeMs`, W (the interpolated signal the energy integrates). */
  powerW(g: number, timeMs: number): number {
    return this.power[g].valueAt(timeMs);
  }

  /** ∫ power dt of GPU `g` from the simulation start to `timeMs`, J. */
  energyJ(g: number, timeMs: number): number {
    return this.power[g].integralTo(timeMs);
  }

  /** Utilization of GPU `g` in [0, 1], consistent with its power. */
  utilization(g: number, timeMs: number): number {
    const gpu = this.gpus[g];
    const p = this.power[g].valueAt(timeMs);
    return Math.min(1, Math.max(0, (p - gpu.idleW) / (gpu.peakW - gpu.idleW)));
  }

  /** Load of workload `w` in [0, 1] at `timeMs`. */
  workloadLoad(w: number, timeMs: number): number {
    return this.load[w].valueAt(timeMs);
  }

  /** ∫ load dt of workload `w` from the start to `timeMs`, seconds. */
  workloadLoadS(w: number, timeMs: number): number {
    return this.load[w].integralTo(timeMs);
  }
}

/** Cumulative (unfloored) token amounts of a workload for `loadS` load-seconds. */
export function tokenAmounts(w: SimWorkload, loadS: number) {
  const gen = w.genPerS * loadS;
  const prompt = gen * w.promptPerGen;
  return { gen, prompt, cached: prompt * w.hitRatio, requests: gen / w.genPerRequest };
}
