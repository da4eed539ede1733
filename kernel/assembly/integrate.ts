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
// segments (stage1-common.ts) sum (v0 + v1)·dt in blocks and add a counter run's
// increments as v_last − v_first, so results differ from a per-interval scalar sum only
// by rounding (≪ 1e-12 relative for realistic windows).

import { Mode, Status } from "./constants";
import { integrateCounter } from "./integrate-counter";
import { integratePower } from "./integrate-power";
import { fits } from "./memory";

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
