import { between } from "./prng.js";

/** A load curve: time (epoch seconds) → load in [0, 1], smooth except where clamped. */
export type LoadCurve = (timeS: number) => number;

/**
 * Three sines (about a minute, a few minutes, most of an hour) around a base load. The sum
 * dips below zero now and then, so a workload goes quiet for a while and its GPUs idle;
 * those stretches are what idle-power learning needs.
 */
export function makeLoadCurve(rand: () => number): LoadCurve {
  const base = between(rand, 0.45, 0.65);
  const terms = [
    { amp: between(rand, 0.08, 0.15), period: between(rand, 40, 90) },
    { amp: between(rand, 0.15, 0.25), period: between(rand, 150, 420) },
    { amp: between(rand, 0.25, 0.35), period: between(rand, 900, 3600) },
  ].map((t) => ({ ...t, phase: between(rand, 0, 2 * Math.PI) }));
  return (timeS) => {
    let v = base;
    for (const t of terms) v += t.amp * Math.sin((2 * Math.PI * timeS) / t.period + t.phase);
    return Math.min(1, Math.max(0, v));
  };
}
