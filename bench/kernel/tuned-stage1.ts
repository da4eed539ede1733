/**
 * Stage 1 in plain TypeScript, tuned for V8: the WASM kernel's algorithm (per-window
 * accumulators in locals, window edges tracked incrementally, division only on window
 * crossings) over the same typed arrays, monomorphic loops, no allocation per sample.
 * The bench's honest competitor; checked against the WASM results in every bench run.
 */
import { SeriesMode } from "../../kernel/src/types.js";

/** Largest double below the 9.2e18 blank sentinel. */
const BELOW_SENTINEL = 9.2e18 - 1024;

export interface TunedStage1 {
  offsets: Int32Array;
  timeS: Float64Array;
  value: Float64Array;
  mode: Uint8Array;
  ceiling: Float64Array;
  windowStartS: number;
  windowS: number;
  nWindows: number;
  maxGapS: number;
  amount: Float64Array;
  coveredS: Float64Array;
  rejected: Int32Array;
}

export function integrateTuned(x: TunedStage1): void {
  x.amount.fill(0);
  x.coveredS.fill(0);
  const nSeries = x.offsets.length - 1;
  for (let s = 0; s < nSeries; s++) {
    const a = x.offsets[s];
    const b = x.offsets[s + 1];
    const row = s * x.nWindows;
    const m = x.mode[s];
    x.rejected[s] =
      m === SeriesMode.Power
        ? power(x, a, b, x.ceiling[s], row)
        : counter(x, a, b, m === SeriesMode.CounterNoGap, x.ceiling[s], row);
  }
}

function windowOf(t: number, S: number, W: number, nW: number): number {
  if (t < S) return -1;
  const q = Math.floor((t - S) / W);
  if (q >= nW) return nW;
  let k = q;
  if (S + k * W > t) k--;
  else if (S + (k + 1) * W <= t) k++;
  return k;
}

function power(x: TunedStage1, from: number, to: number, ceiling: number, row: number): number {
  const T = x.timeS;
  const V = x.value;
  const amt = x.amount;
  const cov = x.coveredS;
  const S = x.windowStartS;
  const W = x.windowS;
  const nW = x.nWindows;
  const maxGap = x.maxGapS;
  const cap = Number.isNaN(ceiling) ? BELOW_SENTINEL : Math.min(ceiling, BELOW_SENTINEL);
  let rejected = 0;
  let i = from;
  let t0 = 0;
  let v0 = 0;
  for (; i < to; ) {
    const t = T[i];
    const v = V[i];
    i++;
    if (v >= 0 && v <= cap && t - t === 0) {
      t0 = t;
      v0 = v;
      break;
    }
    rejected++;
  }
  if (rejected === i - from) return rejected;
  let k = windowOf(t0, S, W, nW);
  let we = k >= nW ? Number.POSITIVE_INFINITY : S + (k + 1) * W;
  let e = 0;
  let c = 0;
  for (; i < to; i++) {
    const t = T[i];
    const v = V[i];
    if (!(v >= 0 && v <= cap) || !(t >= t0) || t === Number.POSITIVE_INFINITY) {
      rejected++;
      continue;
    }
    const dt = t - t0;
    if (t < we && dt <= maxGap) {
      // The common case: inside the current window, no gap.
      e += (v0 + v) * dt;
      c += dt;
    } else if (dt > maxGap) {
      if (k >= 0 && k < nW) {
        amt[row + k] += 0.5 * e;
        cov[row + k] += c;
      }
      e = 0;
      c = 0;
      k = windowOf(t, S, W, nW);
      we = k >= nW ? Number.POSITIVE_INFINITY : S + (k + 1) * W;
    } else {
      const slope = (v - v0) / dt;
      let a = t0;
      let pa = v0;
      while (t >= we) {
        const pb = v0 + slope * (we - t0);
        if (k >= 0) {
          e += (pa + pb) * (we - a);
          c += we - a;
          amt[row + k] += 0.5 * e;
          cov[row + k] += c;
        }
        e = 0;
        c = 0;
        a = we;
        pa = pb;
        k++;
        we = k >= nW ? Number.POSITIVE_INFINITY : S + (k + 1) * W;
      }
      if (k < nW) {
        e += (pa + v) * (t - a);
        c += t - a;
      }
    }
    t0 = t;
    v0 = v;
  }
  if (k >= 0 && k < nW) {
    amt[row + k] += 0.5 * e;
    cov[row + k] += c;
  }
  return rejected;
}

function counter(
  x: TunedStage1,
  from: number,
  to: number,
  noGap: boolean,
  ceiling: number,
  row: number,
): number {
  const T = x.timeS;
  const V = x.value;
  const amt = x.amount;
  const cov = x.coveredS;
  const S = x.windowStartS;
  const W = x.windowS;
  const nW = x.nWindows;
  const maxGap = noGap ? Number.POSITIVE_INFINITY : x.maxGapS;
  const rateCap = noGap ? Number.POSITIVE_INFINITY : ceiling;
  let rejected = 0;
  let i = from;
  let t0 = 0;
  let v0 = 0;
  for (; i < to; ) {
    const t = T[i];
    const v = V[i];
    i++;
    if (v >= 0 && v <= BELOW_SENTINEL && t - t === 0) {
      t0 = t;
      v0 = v;
      break;
    }
    rejected++;
  }
  if (rejected === i - from) return rejected;
  let k = windowOf(t0, S, W, nW);
  let we = k >= nW ? Number.POSITIVE_INFINITY : S + (k + 1) * W;
  let e = 0;
  let c = 0;
  for (; i < to; i++) {
    const t = T[i];
    const v = V[i];
    if (!(v >= 0 && v <= BELOW_SENTINEL) || !(t >= t0) || t === Number.POSITIVE_INFINITY) {
      rejected++;
      continue;
    }
    const dt = t - t0;
    const d = v < v0 ? v : v - v0;
    // Multiplying instead of dividing keeps the common case division-free; the margin
    // sends only near-ceiling rates to the exact test below.
    if (t < we && dt > 0 && dt <= maxGap && d <= rateCap * 0.999999999999 * dt) {
      e += d;
      c += dt;
      t0 = t;
      v0 = v;
      continue;
    }
    const rate = dt > 0 ? d / dt : d > 0 ? Number.POSITIVE_INFINITY : 0;
    if (dt > maxGap || rate > rateCap) {
      if (!(dt > maxGap)) rejected++;
      if (k >= 0 && k < nW) {
        amt[row + k] += e;
        cov[row + k] += c;
      }
      e = 0;
      c = 0;
      k = windowOf(t, S, W, nW);
      we = k >= nW ? Number.POSITIVE_INFINITY : S + (k + 1) * W;
    } else if (dt === 0) {
      const q = Math.floor((t0 - S) / W);
      if (q === k) e += d;
      else if (q >= 0 && q < nW) amt[row + q] += d;
    } else if (t < we) {
      if (k >= 0) {
        e += d;
        c += dt;
      }
    } else {
      const perS = d / dt;
      let a = t0;
      while (t >= we) {
        if (k >= 0) {
          amt[row + k] += e + perS * (we - a);
          cov[row + k] += c + (we - a);
        }
        e = 0;
        c = 0;
        a = we;
        k++;
        we = k >= nW ? Number.POSITIVE_INFINITY : S + (k + 1) * W;
      }
      if (k < nW) {
        e += perS * (t - a);
        c += t - a;
      }
    }
    t0 = t;
    v0 = v;
  }
  if (k >= 0 && k < nW) {
    amt[row + k] += e;
    cov[row + k] += c;
  }
  return rejected;
}
