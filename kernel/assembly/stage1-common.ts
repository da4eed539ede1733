// Shared pieces of stage 1 (docs/metering-model.md, "Stage 1"): window lookup, the
// per-window flush, and the high-word tests of the SIMD fast segments.
//
// The fast segments take a run of samples inside one window in 8-sample SIMD blocks and
// test them once, at the end: the maximum (as u32) of the encodings' high words must stay
// under a limit, which holds only for values in [+0, limit) — NaN, −0 and negatives encode
// above +∞. A failed test replays the run through the exact scalar step.

import { BLANK_SENTINEL } from "./constants";

/** Largest double below the blank sentinel: a valid value is ≤ it (and ≥ 0). */
export const BELOW_SENTINEL: f64 = reinterpret<f64>(reinterpret<u64>(BLANK_SENTINEL) - 1);
/** Samples a fast segment takes before its checks: bounds the replay after a defect. */
export const SEGMENT: i32 = 128;
/** SIMD rate tests are conservative by this factor; edge cases go to the exact scalar step. */
export const RATE_MARGIN: f64 = 1.0 - 1.0 / 1099511627776.0;

/** Index of the window holding t, clamped to [-1, nW] (-1: before all, nW: after all). */
export function windowOf(t: f64, S: f64, W: f64, nW: i32): i32 {
  if (t < S) return -1;
  const x = Math.floor((t - S) / W);
  if (x >= <f64>nW) return nW;
  let k = <i32>x;
  // The quotient can round across a boundary; settle it against the exact edges.
  if (S + <f64>k * W > t) k--;
  else if (S + <f64>(k + 1) * W <= t) k++;
  return k;
}

/** The doc's window of t, ⌊(t − S) / W⌋, or -1 outside [0, nW). */
export function windowByQuotient(t: f64, S: f64, W: f64, nW: i32): i32 {
  const x = Math.floor((t - S) / W);
  return x >= 0 && x < <f64>nW ? <i32>x : -1;
}

/** High 32 bits of x's encoding: they grow with x ≥ +0; NaN and negatives sort above +∞. */
@inline
export function hiWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >>> 32);
}

/**
 * An i32x4 limit for `i32x4.le_u(maxOfEncodings, limit)`: the high words (lanes 1, 3) must be
 * ≤ hi; the low words pass. With hi = hiWord(L) − 1 this accepts x in [+0, L) only (−0, NaN
 * and the last 2⁻²⁰ relative below L fall to the scalar step, which decides them exactly).
 */
@inline
export function hiLimit(hi: u32): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(-1), 1, hi), 3, hi);
}

/** How many lanes of four f64x2 masks are set. */
@inline
export function laneCount(m0: v128, m1: v128, m2: v128, m3: v128): i32 {
  const s = i64x2.add(i64x2.add(m0, m1), i64x2.add(m2, m3));
  return -<i32>(i64x2.extract_lane(s, 0) + i64x2.extract_lane(s, 1));
}

@inline
export function windowEnd(k: i32, S: f64, W: f64, nW: i32): f64 {
  return k >= nW ? Infinity : S + <f64>(k + 1) * W;
}

@inline
export function flush(k: i32, nW: i32, amt: usize, cov: usize, e: f64, c: f64): void {
  if (k >= 0 && k < nW) {
    const p = <usize>k << 3;
    store<f64>(amt + p, load<f64>(amt + p) + e);
    store<f64>(cov + p, load<f64>(cov + p) + c);
  }
}
