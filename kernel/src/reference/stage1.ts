/**
 * Stage 1 of the reference kernel: integrate each series over the window grid
 * (docs/metering-model.md, "Stage 1"). Written to be read next to the doc, not to be fast.
 */
import { SeriesMode, type Stage1Input, type Stage1Output } from "../types.js";
import { checkStage1 } from "./checks.js";
import { cutAtWindows, type WindowGrid, windowOf } from "./windows.js";

/** DCGM prints this (≈ 2^63) for a field it has no value for. */
export const BLANK_SENTINEL = 9.2e18;

interface Sample {
  t: number;
  v: number;
}

/** Per-series accumulators, written into the row-major output at the end. */
interface SeriesResult {
  amount: Float64Array;
  coveredS: Float64Array;
  rejected: number;
}

export function integrate(input: Stage1Input): Stage1Output {
  checkStage1(input);
  const nSeries = input.offsets.length - 1;
  const grid: WindowGrid = {
    startS: input.windowStartS,
    windowS: input.windowS,
    nWindows: input.nWindows,
  };
  const out: Stage1Output = {
    amount: new Float64Array(nSeries * grid.nWindows),
    coveredS: new Float64Array(nSeries * grid.nWindows),
    rejected: new Int32Array(nSeries),
  };
  for (let s = 0; s < nSeries; s++) {
    const r = integrateSeries(input, s, grid);
    out.amount.set(r.amount, s * grid.nWindows);
    out.coveredS.set(r.coveredS, s * grid.nWindows);
    out.rejected[s] = r.rejected;
  }
  return out;
}

function integrateSeries(input: Stage1Input, s: number, grid: WindowGrid): SeriesResult {
  const mode = input.mode[s] as SeriesMode;
  const ceiling = input.ceiling[s];
  const result: SeriesResult = {
    amount: new Float64Array(grid.nWindows),
    coveredS: new Float64Array(grid.nWindows),
    rejected: 0,
  };
  let prev: Sample | undefined;
  for (let i = input.offsets[s]; i < input.offsets[s + 1]; i++) {
    const sample = { t: input.timeS[i], v: input.value[i] };
    if (!isAcceptable(sample, prev, mode, ceiling)) {
      result.rejected++;
      continue;
    }
    if (prev !== undefined) addInterval(result, grid, input.maxGapS, mode, ceiling, prev, sample);
    prev = sample;
  }
  return result;
}

function isAcceptable(
  sample: Sample,
  prev: Sample | undefined,
  mode: SeriesMode,
  ceiling: number,
): boolean {
  const { t, v } = sample;
  if (!Number.isFinite(t) || !Number.isFinite(v)) return false;
  if (v < 0 || v >= BLANK_SENTINEL) return false;
  if (mode === SeriesMode.Power && v > ceiling) return false;
  if (prev !== undefined && t < prev.t) return false;
  return true;
}

/** Adds the interval p0 → p1 to the windows; counts it in `rejected` when its rate is too high. */
function addInterval(
  result: SeriesResult,
  grid: WindowGrid,
  maxGapS: number,
  mode: SeriesMode,
  ceiling: number,
  p0: Sample,
  p1: Sample,
): void {
  const dt = p1.t - p0.t;
  if (mode !== SeriesMode.CounterNoGap && dt > maxGapS) return;
  if (mode === SeriesMode.Power) {
    addTrapezoid(result, grid, p0, p1);
    return;
  }
  // A decrease is a reset or restart: the counter started again from zero.
  const delta = p1.v >= p0.v ? p1.v - p0.v : p1.v;
  if (mode === SeriesMode.Counter && counterRate(delta, dt) > ceiling) {
    result.rejected++;
    return;
  }
  if (dt === 0) {
    const k = windowOf(grid, p0.t);
    if (k >= 0) result.amount[k] += delta;
    return;
  }
  for (const piece of cutAtWindows(grid, p0.t, p1.t)) {
    result.amount[piece.window] += (delta * (piece.b - piece.a)) / dt;
    result.coveredS[piece.window] += piece.b - piece.a;
  }
}

/** Δ / dt, with a positive increment in zero time an infinite rate (and 0 / 0 a zero rate). */
function counterRate(delta: number, dt: number): number {
  if (dt > 0) return delta / dt;
  return delta > 0 ? Number.POSITIVE_INFINITY : 0;
}

function addTrapezoid(result: SeriesResult, grid: WindowGrid, p0: Sample, p1: Sample): void {
  const dt = p1.t - p0.t;
  const powerAt = (t: number): number => p0.v + ((p1.v - p0.v) * (t - p0.t)) / dt;
  for (const piece of cutAtWindows(grid, p0.t, p1.t)) {
    const width = piece.b - piece.a;
    result.amount[piece.window] += ((powerAt(piece.a) + powerAt(piece.b)) / 2) * width;
    result.coveredS[piece.window] += width;
  }
}
