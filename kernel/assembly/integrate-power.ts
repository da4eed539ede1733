// Stage 1, Power mode: trapezoid integration of a gauge over windows
// (docs/metering-model.md, "Power (trapezoid)").

import {
  BELOW_SENTINEL,
  flush,
  hiLimit,
  hiWord,
  laneCount,
  SEGMENT,
  windowEnd,
  windowOf,
} from "./stage1-common";

/** Trapezoid integration of a power series; returns the rejected count. */
export function integratePower(
  T: usize,
  V: usize,
  n: i32,
  ceiling: f64,
  S: f64,
  W: f64,
  nW: i32,
  maxGap: f64,
  amt: usize,
  cov: usize,
): i32 {
  // `v > NaN` is false: a NaN ceiling caps nothing beyond the sentinel.
  const cap = ceiling == ceiling ? min(ceiling, BELOW_SENTINEL) : BELOW_SENTINEL;
  let rejected = 0;
  let i = 0;
  let t0: f64 = 0;
  let v0: f64 = 0;
  // The first kept sample is the baseline.
  for (; i < n; ) {
    const t = load<f64>(T + (<usize>i << 3));
    const v = load<f64>(V + (<usize>i << 3));
    i++;
    if (v >= 0 && v <= cap && isFinite(t)) {
      t0 = t;
      v0 = v;
      break;
    }
    rejected++;
  }
  if (rejected == i) return rejected;
  let k = windowOf(t0, S, W, nW);
  let we = windowEnd(k, S, W, nW);
  let eAcc: f64 = 0;
  let cAcc: f64 = 0;
  let adjacent = true;
  // Samples before this index are replayed by the exact scalar step (a segment failed).
  let slowUntil = 0;
  const hiCap = hiWord(cap);
  const hiGap = hiWord(maxGap);
  // A limit whose high word is 0 (or a negative cap) has no sound high-word test.
  const fast = cap > 0 && hiCap > 0 && hiGap > 0;
  const limV = hiLimit(hiCap - 1);
  const limT = hiLimit(hiGap - 1);
  const zero = f64x2.splat(0);
  while (i < n) {
    if (fast && adjacent && i >= slowUntil && k >= 0 && k < nW) {
      // Fast segment: the samples of window k from i on, checked once at the end.
      const i0 = i;
      const weV = f64x2.splat(we);
      let eA = zero;
      let eB = zero;
      let mT = zero;
      let mV = zero;
      // Eight samples a block; time order (checked below) makes the last one's time enough.
      // Segments are bounded so a failed check replays at most SEGMENT + 7 samples.
      const iMax = min(n, i + SEGMENT) - 8;
      // Each interval's earlier sample is the later one of the pair before, shifted in.
      let pT = f64x2.splat(t0);
      let pV = f64x2.splat(v0);
      while (i <= iMax && load<f64>(T + (<usize>i << 3), 56) < we) {
        const pt = T + (<usize>i << 3);
        const pv = V + (<usize>i << 3);
        const b0 = v128.load(pt);
        const b1 = v128.load(pt, 16);
        const b2 = v128.load(pt, 32);
        const b3 = v128.load(pt, 48);
        const d0 = f64x2.sub(b0, v128.shuffle<f64>(pT, b0, 1, 2));
        const d1 = f64x2.sub(b1, v128.shuffle<f64>(b0, b1, 1, 2));
        const d2 = f64x2.sub(b2, v128.shuffle<f64>(b1, b2, 1, 2));
        const d3 = f64x2.sub(b3, v128.shuffle<f64>(b2, b3, 1, 2));
        pT = b3;
        const w0 = v128.load(pv);
        const w1 = v128.load(pv, 16);
        const w2 = v128.load(pv, 32);
        const w3 = v128.load(pv, 48);
        const s0 = f64x2.add(w0, v128.shuffle<f64>(pV, w0, 1, 2));
        const s1 = f64x2.add(w1, v128.shuffle<f64>(w0, w1, 1, 2));
        const s2 = f64x2.add(w2, v128.shuffle<f64>(w1, w2, 1, 2));
        const s3 = f64x2.add(w3, v128.shuffle<f64>(w2, w3, 1, 2));
        pV = w3;
        eA = f64x2.add(eA, f64x2.add(f64x2.mul(s0, d0), f64x2.mul(s1, d1)));
        eB = f64x2.add(eB, f64x2.add(f64x2.mul(s2, d2), f64x2.mul(s3, d3)));
        mT = i32x4.max_u(mT, i32x4.max_u(i32x4.max_u(d0, d1), i32x4.max_u(d2, d3)));
        mV = i32x4.max_u(mV, i32x4.max_u(i32x4.max_u(w0, w1), i32x4.max_u(w2, w3)));
        i += 8;
      }
      let lanes = 0;
      if (i + 8 <= n) {
        // The block holding the window's end: lanes before it, a prefix when the checks pass.
        const pt = T + ((<usize>i - 1) << 3);
        const pv = V + ((<usize>i - 1) << 3);
        const b0 = v128.load(pt, 8);
        const b1 = v128.load(pt, 24);
        const b2 = v128.load(pt, 40);
        const b3 = v128.load(pt, 56);
        const m0 = f64x2.lt(b0, weV);
        const m1 = f64x2.lt(b1, weV);
        const m2 = f64x2.lt(b2, weV);
        const m3 = f64x2.lt(b3, weV);
        const d0 = v128.and(f64x2.sub(b0, v128.load(pt)), m0);
        const d1 = v128.and(f64x2.sub(b1, v128.load(pt, 16)), m1);
        const d2 = v128.and(f64x2.sub(b2, v128.load(pt, 32)), m2);
        const d3 = v128.and(f64x2.sub(b3, v128.load(pt, 48)), m3);
        const w0 = v128.and(v128.load(pv, 8), m0);
        const w1 = v128.and(v128.load(pv, 24), m1);
        const w2 = v128.and(v128.load(pv, 40), m2);
        const w3 = v128.and(v128.load(pv, 56), m3);
        const s0 = f64x2.add(w0, v128.and(v128.load(pv), m0));
        const s1 = f64x2.add(w1, v128.and(v128.load(pv, 16), m1));
        const s2 = f64x2.add(w2, v128.and(v128.load(pv, 32), m2));
        const s3 = f64x2.add(w3, v128.and(v128.load(pv, 48), m3));
        eA = f64x2.add(eA, f64x2.add(f64x2.mul(s0, d0), f64x2.mul(s1, d1)));
        eB = f64x2.add(eB, f64x2.add(f64x2.mul(s2, d2), f64x2.mul(s3, d3)));
        mT = i32x4.max_u(mT, i32x4.max_u(i32x4.max_u(d0, d1), i32x4.max_u(d2, d3)));
        mV = i32x4.max_u(mV, i32x4.max_u(i32x4.max_u(w0, w1), i32x4.max_u(w2, w3)));
        lanes = laneCount(m0, m1, m2, m3);
        i += lanes;
      }
      if (i != i0) {
        if (i32x4.all_true(v128.and(i32x4.le_u(mT, limT), i32x4.le_u(mV, limV)))) {
          const e = f64x2.add(eA, eB);
          eAcc += 0.5 * (f64x2.extract_lane(e, 0) + f64x2.extract_lane(e, 1));
          const t1 = load<f64>(T + ((<usize>i - 1) << 3));
          cAcc += t1 - t0;
          t0 = t1;
          v0 = load<f64>(V + ((<usize>i - 1) << 3));
          if (i >= n) break;
          // Cut by the segment bound, not by the window's end: go on in SIMD.
          if (lanes == 8) continue;
        } else {
          slowUntil = i;
          i = i0;
        }
      }
    }
    const t = load<f64>(T + (<usize>i << 3));
    const v = load<f64>(V + (<usize>i << 3));
    i++;
    if (!(v >= 0 && v <= cap) || !(t >= t0) || t == Infinity) {
      rejected++;
      adjacent = false;
      continue;
    }
    adjacent = true;
    const dt = t - t0;
    if (dt > maxGap) {
      flush(k, nW, amt, cov, eAcc, cAcc);
      eAcc = 0;
      cAcc = 0;
      k = windowOf(t, S, W, nW);
      we = windowEnd(k, S, W, nW);
    } else if (t < we) {
      if (k >= 0) {
        eAcc += (v0 + v) * 0.5 * dt;
        cAcc += dt;
      }
    } else {
      // Crosses one or more window edges: cut at each edge with interpolated power.
      const slope = (v - v0) / dt;
      let a = t0;
      let pa = v0;
      while (t >= we) {
        const pb = v0 + slope * (we - t0);
        if (k >= 0) {
          eAcc += (pa + pb) * 0.5 * (we - a);
          cAcc += we - a;
        }
        flush(k, nW, amt, cov, eAcc, cAcc);
        eAcc = 0;
        cAcc = 0;
        a = we;
        pa = pb;
        k++;
        we = windowEnd(k, S, W, nW);
      }
      if (k < nW) {
        eAcc += (pa + v) * 0.5 * (t - a);
        cAcc += t - a;
      }
    }
    t0 = t;
    v0 = v;
  }
  flush(k, nW, amt, cov, eAcc, cAcc);
  return rejected;
}
