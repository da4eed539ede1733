// Stage 1: integrate series over windows (docs/metering-model.md, "Stage 1").
//
// Layout (all regions host-placed; f64 regions 8-aligned):
//   offsets  i32[nSeries + 1]   series s spans samples [offsets[s], offsets[s+1])
//   timeS    f64[nSamples]      epoch seconds
//   value    f64[nSamples]      W | J | count
//   mode     u8 [nSeries]       Mode.*
//   ceiling  f64[nSeries]       W (Power: value cap; Counter: rate cap)
//   amount   f64[nSeries·nWindows]  out, row-major [s·nWindows + w]
//   covered  f64[nSeries·nWindows]  out
//   rejected i32[nSeries]           out
//
// Accuracy: sums are accumulated per window in registers and added once; the SIMD fast
// path sums (v0 + v1)·dt pairwise, so results differ from a per-interval scalar sum only
// by rounding (≪ 1e-12 relative for realistic windows).

import { BLANK_SENTINEL, Mode, Status } from "./constants";
import { fits } from "./memory";

/** Largest double below the blank sentinel: a valid value is ≤ it (and ≥ 0). */
const BELOW_SENTINEL: f64 = reinterpret<f64>(reinterpret<u64>(BLANK_SENTINEL) - 1);
/** Rate checks in the SIMD path are conservative by this factor; edge cases fall to the exact scalar test. */
const RATE_MARGIN: f64 = 1.0 - 1.0 / 1099511627776.0;

export function integrate(
  offsets: usize,
  nSeries: i32,
  timeS: usize,
  value: usize,
  nSamples: i32,
  mode: usize,
  ceiling: usize,
  windowStartS: f64,
  windowS: f64,
  nWindows: i32,
  maxGapS: f64,
  amount: usize,
  covered: usize,
  rejected: usize,
): i32 {
  if (nSeries < 0 || nSamples < 0 || nWindows < 0) return Status.BadShape;
  if (!(windowS > 0) || !isFinite(windowS) || !isFinite(windowStartS) || !(maxGapS >= 0)) {
    return Status.BadShape;
  }
  const rows = <usize>nSeries * <usize>nWindows;
  if (
    !fits(offsets, (<usize>nSeries + 1) << 2) ||
    !fits(timeS, <usize>nSamples << 3) ||
    !fits(value, <usize>nSamples << 3) ||
    !fits(mode, <usize>nSeries) ||
    !fits(ceiling, <usize>nSeries << 3) ||
    !fits(amount, rows << 3) ||
    !fits(covered, rows << 3) ||
    !fits(rejected, <usize>nSeries << 2)
  ) {
    return Status.OutOfBounds;
  }
  let prev = load<i32>(offsets);
  if (prev < 0) return Status.BadOffsets;
  for (let s = 0; s < nSeries; s++) {
    const next = load<i32>(offsets + ((<usize>s + 1) << 2));
    if (next < prev || next > nSamples) return Status.BadOffsets;
    if (load<u8>(mode + <usize>s) > Mode.CounterNoGap) return Status.BadMode;
    prev = next;
  }
  memory.fill(amount, 0, rows << 3);
  memory.fill(covered, 0, rows << 3);

  for (let s = 0; s < nSeries; s++) {
    const a = load<i32>(offsets + (<usize>s << 2));
    const b = load<i32>(offsets + ((<usize>s + 1) << 2));
    const t = timeS + (<usize>a << 3);
    const v = value + (<usize>a << 3);
    const row = <usize>s * <usize>nWindows;
    const amt = amount + (row << 3);
    const cov = covered + (row << 3);
    const m = load<u8>(mode + <usize>s);
    const c = load<f64>(ceiling + (<usize>s << 3));
    let r: i32;
    if (m == Mode.Power) {
      r = integratePower(t, v, b - a, c, windowStartS, windowS, nWindows, maxGapS, amt, cov);
    } else {
      r = integrateCounter(
        t,
        v,
        b - a,
        c,
        m == Mode.CounterNoGap,
        windowStartS,
        windowS,
        nWindows,
        maxGapS,
        amt,
        cov,
      );
    }
    store<i32>(rejected + (<usize>s << 2), r);
  }
  return Status.Ok;
}

/** Index of the window holding t, clamped to [-1, nW] (-1: before all, nW: after all). */
function windowOf(t: f64, S: f64, W: f64, nW: i32): i32 {
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
function windowByQuotient(t: f64, S: f64, W: f64, nW: i32): i32 {
  const x = Math.floor((t - S) / W);
  return x >= 0 && x < <f64>nW ? <i32>x : -1;
}

@inline
function windowEnd(k: i32, S: f64, W: f64, nW: i32): f64 {
  return k >= nW ? Infinity : S + <f64>(k + 1) * W;
}

@inline
function flush(k: i32, nW: i32, amt: usize, cov: usize, e: f64, c: f64): void {
  if (k >= 0 && k < nW) {
    const p = <usize>k << 3;
    store<f64>(amt + p, load<f64>(amt + p) + e);
    store<f64>(cov + p, load<f64>(cov + p) + c);
  }
}

/** Trapezoid integration of a power series; returns the rejected count. */
function integratePower(
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
  const zero = f64x2.splat(0);
  const capV = f64x2.splat(cap);
  const gapV = f64x2.splat(maxGap);
  while (i < n) {
    if (adjacent && k >= 0 && k < nW && i + 1 < n) {
      // Fast path: pairs of valid, ordered, non-gap samples inside window k.
      const weV = f64x2.splat(we);
      let e2 = zero;
      let e3 = zero;
      const i0 = i;
      // Four samples per test: time order makes one window check (on the last) enough.
      while (i + 3 < n) {
        const p = <usize>(i - 1) << 3;
        const ta0 = v128.load(T + p);
        const tb0 = v128.load(T + p + 8);
        const tb1 = v128.load(T + p + 24);
        const dt0 = f64x2.sub(tb0, ta0);
        const dt1 = f64x2.sub(tb1, v128.load(T + p + 16));
        const va0 = v128.load(V + p);
        const vb0 = v128.load(V + p + 8);
        const va1 = v128.load(V + p + 16);
        const vb1 = v128.load(V + p + 24);
        const okT = v128.and(
          v128.and(f64x2.ge(dt0, zero), f64x2.le(dt0, gapV)),
          v128.and(v128.and(f64x2.ge(dt1, zero), f64x2.le(dt1, gapV)), f64x2.lt(tb1, weV)),
        );
        const okV = v128.and(
          v128.and(f64x2.ge(vb0, zero), f64x2.le(vb0, capV)),
          v128.and(f64x2.ge(vb1, zero), f64x2.le(vb1, capV)),
        );
        if (!i64x2.all_true(v128.and(okT, okV))) break;
        e2 = f64x2.add(e2, f64x2.mul(f64x2.add(va0, vb0), dt0));
        e3 = f64x2.add(e3, f64x2.mul(f64x2.add(va1, vb1), dt1));
        i += 4;
      }
      e2 = f64x2.add(e2, e3);
      while (i + 1 < n) {
        const p = <usize>(i - 1) << 3;
        const ta = v128.load(T + p);
        const tb = v128.load(T + p + 8);
        const va = v128.load(V + p);
        const vb = v128.load(V + p + 8);
        const dt = f64x2.sub(tb, ta);
        const ok = v128.and(
          v128.and(f64x2.ge(dt, zero), f64x2.le(dt, gapV)),
          v128.and(v128.and(f64x2.ge(vb, zero), f64x2.le(vb, capV)), f64x2.lt(tb, weV)),
        );
        if (!i64x2.all_true(ok)) break;
        e2 = f64x2.add(e2, f64x2.mul(f64x2.add(va, vb), dt));
        i += 2;
      }
      if (i != i0) {
        eAcc += 0.5 * (f64x2.extract_lane(e2, 0) + f64x2.extract_lane(e2, 1));
        const t1 = load<f64>(T + (<usize>(i - 1) << 3));
        cAcc += t1 - t0;
        t0 = t1;
        v0 = load<f64>(V + (<usize>(i - 1) << 3));
        if (i >= n) break;
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

/** Overlap split of a cumulative counter; returns the rejected count. */
function integrateCounter(
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
  const zero = f64x2.splat(0);
  const capV = f64x2.splat(BELOW_SENTINEL);
  const gapV = f64x2.splat(maxGap);
  const rateV = f64x2.splat(rateCap * RATE_MARGIN);
  // A non-positive or NaN rate ceiling is left to the exact scalar test.
  const fast = noGap || rateCap > 0;
  while (i < n) {
    if (fast && adjacent && k >= 0 && k < nW && i + 1 < n) {
      // Fast path: no reset, rate well under the ceiling, inside window k.
      const weV = f64x2.splat(we);
      let d2 = zero;
      const i0 = i;
      while (i + 1 < n) {
        const p = <usize>(i - 1) << 3;
        const ta = v128.load(T + p);
        const tb = v128.load(T + p + 8);
        const va = v128.load(V + p);
        const vb = v128.load(V + p + 8);
        const dt = f64x2.sub(tb, ta);
        const dv = f64x2.sub(vb, va);
        let ok = v128.and(
          v128.and(f64x2.ge(dt, zero), f64x2.le(vb, capV)),
          v128.and(f64x2.ge(dv, zero), f64x2.lt(tb, weV)),
        );
        if (!noGap) {
          ok = v128.and(
            ok,
            v128.and(f64x2.le(dt, gapV), f64x2.le(dv, f64x2.mul(rateV, dt))),
          );
        }
        if (!i64x2.all_true(ok)) break;
        d2 = f64x2.add(d2, dv);
        i += 2;
      }
      if (i != i0) {
        eAcc += f64x2.extract_lane(d2, 0) + f64x2.extract_lane(d2, 1);
        const t1 = load<f64>(T + (<usize>(i - 1) << 3));
        cAcc += t1 - t0;
        t0 = t1;
        v0 = load<f64>(V + (<usize>(i - 1) << 3));
        if (i >= n) break;
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
