// stepMean (prices over time) and the derived figures (docs/metering-model.md).

import { Status } from "./constants";
import { fits } from "./memory";

@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

/**
 * Time-weighted mean of the step series (timeS, value) over [start[w], start[w] + lengthS).
 * value[i] holds on [timeS[i], timeS[i+1]); value[0] also before timeS[0]; the last value
 * holds for ever. An empty series gives NaN; lengthS ≤ 0 (or NaN) gives the value at the start.
 */
export function stepMean(
  timeS: usize,
  value: usize,
  n: i32,
  start: usize,
  nWindows: i32,
  lengthS: f64,
  out: usize,
): i32 {
  if (n < 0 || nWindows < 0) return Status.BadShape;
  const w8 = <usize>nWindows << 3;
  if (!fits(timeS, <usize>n << 3) || !fits(value, <usize>n << 3) || !fits(start, w8) || !fits(out, w8)) {
    return Status.OutOfBounds;
  }
  for (let w = 0; w < nWindows; w++) {
    if (n == 0) {
      store<f64>(out + (<usize>w << 3), NaN);
      continue;
    }
    const s = f64At(start, w);
    const e = s + lengthS;
    // Last step starting at or before s (0 when s precedes them all).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (f64At(timeS, mid) <= s) lo = mid;
      else hi = mid - 1;
    }
    let i = lo;
    if (!(lengthS > 0)) {
      store<f64>(out + (<usize>w << 3), f64At(value, i));
      continue;
    }
    let acc: f64 = 0;
    let a = s;
    while (true) {
      const segEnd = i + 1 < n ? f64At(timeS, i + 1) : Infinity;
      const b = min(segEnd, e);
      if (b > a) {
        acc += f64At(value, i) * (b - a);
        a = b;
      }
      if (segEnd >= e) break;
      i++;
    }
    store<f64>(out + (<usize>w << 3), acc / lengthS);
  }
  return Status.Ok;
}

/** Derived figures per aggregate row; NaN where a denominator is zero. */
export function derive(
  n: i32,
  prompt: usize,
  cached: usize,
  gen: usize,
  requests: usize,
  facilityJ: usize,
  usageFacilityJ: usize,
  effectiveCost: usize,
  carbonG: usize,
  outJPerToken: usize,
  outTokensPerKwh: usize,
  outTokensPerSPerMw: usize,
  outCostPerMTokens: usize,
  outCarbonPerKReq: usize,
  outDirect: usize,
  outCacheLeverage: usize,
): i32 {
  if (n < 0) return Status.BadShape;
  const b = <usize>n << 3;
  if (
    !fits(prompt, b) ||
    !fits(cached, b) ||
    !fits(gen, b) ||
    !fits(requests, b) ||
    !fits(facilityJ, b) ||
    !fits(usageFacilityJ, b) ||
    !fits(effectiveCost, b) ||
    !fits(carbonG, b) ||
    !fits(outJPerToken, b) ||
    !fits(outTokensPerKwh, b) ||
    !fits(outTokensPerSPerMw, b) ||
    !fits(outCostPerMTokens, b) ||
    !fits(outCarbonPerKReq, b) ||
    !fits(outDirect, b) ||
    !fits(outCacheLeverage, b)
  ) {
    return Status.OutOfBounds;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const p = f64At(prompt, i);
    const tokens = p + f64At(gen, i);
    const fac = f64At(facilityJ, i);
    const req = f64At(requests, i);
    store<f64>(outJPerToken + o, ratio(fac, tokens));
    store<f64>(outTokensPerKwh + o, ratio(tokens, fac / 3.6e6));
    store<f64>(outTokensPerSPerMw + o, ratio(tokens * 1e6, fac));
    store<f64>(outCostPerMTokens + o, ratio(f64At(effectiveCost, i) * 1e6, tokens));
    store<f64>(outCarbonPerKReq + o, ratio(f64At(carbonG, i) * 1000, req));
    store<f64>(outDirect + o, ratio(f64At(usageFacilityJ, i), fac));
    store<f64>(outCacheLeverage + o, ratio(f64At(cached, i), p));
  }
  return Status.Ok;
}

@inline
function ratio(num: f64, den: f64): f64 {
  return den == 0 ? NaN : num / den;
}
