// Stage 1, Counter and CounterNoGap modes: increments of a cumulative counter split over
// windows by overlap (docs/metering-model.md, "Counters").

import {
  BELOW_SENTINEL,
  flush,
  hiLimit,
  hiWord,
  laneCount,
  RATE_MARGIN,
  SEGMENT,
  windowEnd,
  windowByQuotient,
  windowOf,
} from "./stage1-common";

/** Overlap split of a cumulative counter; returns the rejected count. */
export function integrateCounter(
  T: usize,
  V: usize,
  n: i32,
  ceiling: f64,
  noGap: bool,
  S: f64,
  W: f64,
  nW: i32,
  maxGapIn: f64,
  amt: usize,
  cov: usize,
): i32 {
  const maxGap = noGap ? Infinity : maxGapIn;
  // CounterNoGap has no ceiling; +∞ keeps one code path.
  const rateCap = noGap ? Infinity : ceiling;
  let rejected = 0;
  let i = 0;
  let t0: f64 = 0;
  let v0: f64 = 0;
  for (; i < n; ) {
    const t = load<f64>(T + (<usize>i << 3));
    const v = load<f64>(V + (<usize>i << 3));
    i++;
    if (v >= 0 && v <= BELOW_SENTINEL && isFinite(t)) {
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
  let slowUntil = 0;
  const hiGap = hiWord(maxGap);
  // A non-positive or NaN rate ceiling, or a zero gap, is left to the exact scalar step.
  const fast = rateCap > 0 && hiGap > 0;
  const limT = hiLimit(hiGap - 1);
  // Increments and rate headroom must be ≥ +0 and not NaN (+∞ headroom: no ceiling).
  const limD = hiLimit(0x7ff00000);
  const rateV = f64x2.splat(rateCap * RATE_MARGIN);
  const zero = f64x2.splat(0);
  while (i < n) {
    if (fast && adjacent && i >= slowUntil && k >= 0 && k < nW) {
      // Fast segment: no reset, rate under the ceiling, inside window k; checked at the end.
      // Increments telescope, so the segment adds v_last − v0 and t_last − t0.
      const i0 = i;
      const weV = f64x2.splat(we);
      let mT = zero;
      let mD = zero;
      // Segments are bounded so a failed check replays at most SEGMENT + 7 samples.
      const iMax = min(n, i + SEGMENT) - 8;
      while (i <= iMax && load<f64>(T + (<usize>i << 3), 56) < we) {
        const pt = T + ((<usize>i - 1) << 3);
        const pv = V + ((<usize>i - 1) << 3);
        const d0 = f64x2.sub(v128.load(pt, 8), v128.load(pt));
        const d1 = f64x2.sub(v128.load(pt, 24), v128.load(pt, 16));
        const d2 = f64x2.sub(v128.load(pt, 40), v128.load(pt, 32));
        const d3 = f64x2.sub(v128.load(pt, 56), v128.load(pt, 48));
        const u0 = f64x2.sub(v128.load(pv, 8), v128.load(pv));
        const u1 = f64x2.sub(v128.load(pv, 24), v128.load(pv, 16));
        const u2 = f64x2.sub(v128.load(pv, 40), v128.load(pv, 32));
        const u3 = f64x2.sub(v128.load(pv, 56), v128.load(pv, 48));
        // Headroom under the rate cap: negative for a too-fast rise or time going back.
        const h0 = f64x2.sub(f64x2.mul(rateV, d0), u0);
        const h1 = f64x2.sub(f64x2.mul(rateV, d1), u1);
        const h2 = f64x2.sub(f64x2.mul(rateV, d2), u2);
        const h3 = f64x2.sub(f64x2.mul(rateV, d3), u3);
        mT = i32x4.max_u(mT, i32x4.max_u(i32x4.max_u(d0, d1), i32x4.max_u(d2, d3)));
        const mu = i32x4.max_u(i32x4.max_u(u0, u1), i32x4.max_u(u2, u3));
        const mh = i32x4.max_u(i32x4.max_u(h0, h1), i32x4.max_u(h2, h3));
        mD = i32x4.max_u(mD, i32x4.max_u(mu, mh));
        i += 8;
      }
      let lanes = 0;
      if (i + 8 <= n) {
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
        const d0 = f64x2.sub(b0, v128.load(pt));
        const d1 = f64x2.sub(b1, v128.load(pt, 16));
        const d2 = f64x2.sub(b2, v128.load(pt, 32));
        const d3 = f64x2.sub(b3, v128.load(pt, 48));
        const u0 = f64x2.sub(v128.load(pv, 8), v128.load(pv));
        const u1 = f64x2.sub(v128.load(pv, 24), v128.load(pv, 16));
        const u2 = f64x2.sub(v128.load(pv, 40), v128.load(pv, 32));
        const u3 = f64x2.sub(v128.load(pv, 56), v128.load(pv, 48));
        const h0 = v128.and(f64x2.sub(f64x2.mul(rateV, d0), u0), m0);
        const h1 = v128.and(f64x2.sub(f64x2.mul(rateV, d1), u1), m1);
        const h2 = v128.and(f64x2.sub(f64x2.mul(rateV, d2), u2), m2);
        const h3 = v128.and(f64x2.sub(f64x2.mul(rateV, d3), u3), m3);
        const mt = i32x4.max_u(
          i32x4.max_u(v128.and(d0, m0), v128.and(d1, m1)),
          i32x4.max_u(v128.and(d2, m2), v128.and(d3, m3)),
        );
        const mu = i32x4.max_u(
          i32x4.max_u(v128.and(u0, m0), v128.and(u1, m1)),
          i32x4.max_u(v128.and(u2, m2), v128.and(u3, m3)),
        );
        mT = i32x4.max_u(mT, mt);
        const mh = i32x4.max_u(i32x4.max_u(h0, h1), i32x4.max_u(h2, h3));
        mD = i32x4.max_u(mD, i32x4.max_u(mu, mh));
        lanes = laneCount(m0, m1, m2, m3);
        i += lanes;
      }
      if (i != i0) {
        const v1 = load<f64>(V + ((<usize>i - 1) << 3));
        // Non-decreasing from a valid v0, so only the last value can reach the sentinel.
        const ok = i32x4.all_true(v128.and(i32x4.le_u(mT, limT), i32x4.le_u(mD, limD)));
        if (ok && v1 <= BELOW_SENTINEL) {
          const t1 = load<f64>(T + ((<usize>i - 1) << 3));
          eAcc += v1 - v0;
          cAcc += t1 - t0;
          t0 = t1;
          v0 = v1;
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
    if (!(v >= 0 && v <= BELOW_SENTINEL) || !(t >= t0) || t == Infinity) {
      rejected++;
      adjacent = false;
      continue;
    }
    adjacent = true;
    const dt = t - t0;
    const d = v < v0 ? v : v - v0;
    // A positive increment in zero time has an infinite rate, 0 / 0 a zero one.
    const rate = dt > 0 ? d / dt : d > 0 ? Infinity : 0;
    if (dt > maxGap || rate > rateCap) {
      if (!(dt > maxGap)) rejected++;
      flush(k, nW, amt, cov, eAcc, cAcc);
      eAcc = 0;
      cAcc = 0;
      k = windowOf(t, S, W, nW);
      we = windowEnd(k, S, W, nW);
    } else if (dt == 0) {
      // The whole increment goes to the window ⌊(t0 − S) / W⌋, as the doc defines it.
      const kk = windowByQuotient(t0, S, W, nW);
      if (kk == k) eAcc += d;
      else if (kk >= 0) store<f64>(amt + (<usize>kk << 3), load<f64>(amt + (<usize>kk << 3)) + d);
    } else if (t < we) {
      if (k >= 0) {
        eAcc += d;
        cAcc += dt;
      }
    } else {
      const perS = d / dt;
      let a = t0;
      while (t >= we) {
        if (k >= 0) {
          eAcc += perS * (we - a);
          cAcc += we - a;
        }
        flush(k, nW, amt, cov, eAcc, cAcc);
        eAcc = 0;
        cAcc = 0;
        a = we;
        k++;
        we = windowEnd(k, S, W, nW);
      }
      if (k < nW) {
        eAcc += perS * (t - a);
        cAcc += t - a;
      }
    }
    t0 = t;
    v0 = v;
  }
  flush(k, nW, amt, cov, eAcc, cAcc);
  return rejected;
}
