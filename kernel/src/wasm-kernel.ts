/**
 * The WASM kernel behind the `Kernel` interface: copies inputs into linear memory, runs
 * the module, copies outputs out (so results outlive the next call). Malformed input
 * throws KernelInputError with the same code as the reference kernel.
 */
import { Status } from "./constants.js";
import { KernelInputError } from "./reference/input-error.js";
import type {
  Aggregates,
  Derived,
  Kernel,
  Stage1Input,
  Stage1Output,
  Stage2Input,
  Stage2Output,
  StepSeries,
  TenantSplitInput,
  TenantSplitOutput,
} from "./types.js";
import { LINE_F64_COLUMNS } from "./types.js";
import { figures } from "./wasm-figures.js";
import { WasmRuntime } from "./wasm-runtime.js";

let shared: Kernel | undefined;

/** The process-wide WASM kernel (module compiled once, one runtime). */
export function loadWasmKernel(): Kernel {
  shared ??= createWasmKernel(new WasmRuntime());
  return shared;
}

/** A kernel over a given runtime (tests use a private one to watch memory growth). */
export function createWasmKernel(rt: WasmRuntime): Kernel {
  const fig = figures(rt);
  return {
    integrate: (input) => integrate(rt, input),
    attribute: (input) => attribute(rt, input),
    splitTenants: (input: TenantSplitInput): TenantSplitOutput => fig.splitTenants(input),
    stepMean: (series: StepSeries, startS: Float64Array, lengthS: number) =>
      fig.stepMean(series, startS, lengthS),
    derive: (agg: Aggregates): Derived => fig.derive(agg),
  };
}

function shapeError(call: string, field: string, message: string): KernelInputError {
  return new KernelInputError(Status.BadShape, message, { call, field });
}

function integrate(rt: WasmRuntime, input: Stage1Input): Stage1Output {
  const nSeries = input.offsets.length - 1;
  if (nSeries < 0 || input.timeS.length !== input.value.length) {
    throw shapeError("integrate", "offsets/timeS/value", "inconsistent lengths");
  }
  if (input.mode.length < nSeries || input.ceiling.length < nSeries) {
    throw shapeError("integrate", "mode/ceiling", `needs ${nSeries} per-series entries`);
  }
  if (!Number.isInteger(input.nWindows) || input.nWindows < 0) {
    throw shapeError("integrate", "nWindows", "not a count");
  }
  const f = rt.stage1Frame({ nSeries, nSamples: input.timeS.length, nWindows: input.nWindows });
  f.offsets.set(input.offsets);
  f.timeS.set(input.timeS);
  f.value.set(input.value);
  f.mode.set(input.mode.subarray(0, nSeries));
  f.ceiling.set(input.ceiling.subarray(0, nSeries));
  rt.runStage1(f, input);
  return { amount: f.amount.slice(), coveredS: f.coveredS.slice(), rejected: f.rejected.slice() };
}

function attribute(rt: WasmRuntime, input: Stage2Input): Stage2Output {
  const { windows: w, readings: r, contributions: c } = input;
  const nW = w.startS.length;
  const nR = r.window.length;
  const nC = c.window.length;
  const sameLength = (cols: ArrayLike<number>[], n: number) => cols.every((x) => x.length === n);
  if (
    !sameLength(Object.values(w), nW) ||
    !sameLength(Object.values(r), nR) ||
    !sameLength(
      [
        c.window,
        c.workload,
        c.tenant,
        c.prompt,
        c.cached,
        c.gen,
        c.requests,
        c.gpuStart,
        c.gpuCount,
      ],
      nC,
    )
  ) {
    throw shapeError("attribute", "windows/readings/contributions", "columns differ in length");
  }
  const nI = c.gpuIndex.length;
  // Every line is a (reading, contribution) pair or a reading's idle line.
  let cap = nR;
  for (let i = 0; i < nC; i++) cap += Math.min(Math.max(c.gpuCount[i], 0), nI);
  const f = rt.stage2Frame({
    nWindows: nW,
    nReadings: nR,
    nContribs: nC,
    nGpuIndex: nI,
    lineCapacity: cap,
  });
  for (const k of Object.keys(f.windows) as (keyof typeof f.windows)[]) f.windows[k].set(w[k]);
  for (const k of Object.keys(f.readings) as (keyof typeof f.readings)[]) {
    f.readings[k].set(r[k]);
  }
  for (const k of Object.keys(f.contributions) as (keyof typeof f.contributions)[]) {
    f.contributions[k].set(c[k]);
  }
  const count = rt.runStage2(f, input);
  const o = f.out;
  const out = {
    count,
    reading: o.reading.slice(0, count),
    workload: o.workload.slice(0, count),
    tenant: o.tenant.slice(0, count),
    kind: o.kind.slice(0, count),
  } as Stage2Output;
  for (const col of LINE_F64_COLUMNS) out[col] = o[col].slice(0, count);
  return out;
}
