/**
 * Per-GPU energies of stage 2, steps 1–3 of docs/metering-model.md: host overhead by GPU
 * energy, facility energy (PUE or measured overhead by IT energy), and the idle part.
 */
import type { Stage2Input } from "../types.js";

export interface GpuEnergy {
  /** E_g, J. */
  gpu: number;
  /** H_g: the GPU's part of the window's host energy, J. */
  host: number;
  /** F_g: facility energy of the GPU (IT plus cooling and the rest), J. */
  facility: number;
  /** E_idle = min(E_g, idleW · coveredS), J. */
  idle: number;
}

/** One entry per reading, in reading order. */
export function gpuEnergies(input: Stage2Input): GpuEnergy[] {
  const { readings, windows } = input;
  const n = readings.window.length;
  const byWindow = readingsByWindow(readings.window, windows.startS.length);
  const result: GpuEnergy[] = new Array(n);
  for (let w = 0; w < byWindow.length; w++) {
    const members = byWindow[w];
    const energy = members.map((r) => readings.energyJ[r]);
    const host = shareOut(windows.hostJ[w], energy);
    const it = energy.map((e, i) => e + host[i]);
    const overheadJ = windows.overheadJ[w];
    const facility = Number.isNaN(overheadJ)
      ? it.map((x) => x * windows.pue[w])
      : shareOut(overheadJ, it).map((o, i) => it[i] + o);
    members.forEach((r, i) => {
      const idle = Math.min(energy[i], readings.idleW[r] * readings.coveredS[r]);
      result[r] = { gpu: energy[i], host: host[i], facility: facility[i], idle };
    });
  }
  return result;
}

/** Reading indices of each window, in reading order. */
export function readingsByWindow(readingWindow: Int32Array, nWindows: number): number[][] {
  const groups: number[][] = Array.from({ length: nWindows }, () => []);
  readingWindow.forEach((w, r) => {
    groups[w].push(r);
  });
  return groups;
}

/** `total` shared in proportion to `weights`; evenly when they sum to zero. */
function shareOut(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum > 0) return weights.map((x) => (total * x) / sum);
  return weights.map(() => total / weights.length);
}
