/** Time-weighted mean of a step function over windows (docs/metering-model.md, "Prices over time"). */
import type { StepSeries } from "../types.js";

export function stepMean(series: StepSeries, startS: Float64Array, lengthS: number): Float64Array {
  const out = new Float64Array(startS.length);
  for (let i = 0; i < startS.length; i++) out[i] = meanOver(series, startS[i], lengthS);
  return out;
}

/** NaN for an empty series (no price is known); the value holding at `start` when length ≤ 0. */
function meanOver(series: StepSeries, start: number, length: number): number {
  const n = series.value.length;
  if (n === 0) return Number.NaN;
  if (!(length > 0)) return valueAt(series, start);
  const end = start + length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    // Step i holds on [timeS[i], timeS[i+1]); the first also before, the last also after.
    const from = i === 0 ? Number.NEGATIVE_INFINITY : series.timeS[i];
    const to = i === n - 1 ? Number.POSITIVE_INFINITY : series.timeS[i + 1];
    const overlap = Math.min(to, end) - Math.max(from, start);
    if (overlap > 0) sum += series.value[i] * (overlap / length);
  }
  return sum;
}

function valueAt(series: StepSeries, t: number): number {
  let v = series.value[0];
  for (let i = 1; i < series.value.length; i++) if (series.timeS[i] <= t) v = series.value[i];
  return v;
}
