/** Stage-1 scenario: WASM kernel, tuned TS and the ceiling over the same bytes. */

import { wasmModule } from "../../kernel/src/wasm-module.js";
import type { WasmRuntime } from "../../kernel/src/wasm-runtime.js";
import { firstMismatch } from "./compare.js";
import { fillStage1, MAX_GAP_S, START_S, stage1Shape, WINDOW_S } from "./inputs.js";
import { type Timing, time } from "./timing.js";
import { integrateTuned, type TunedStage1 } from "./tuned-stage1.js";

export interface Stage1Result {
  samples: number;
  wasm: Timing;
  ts: Timing;
  ceiling: Timing;
  mismatch: string | undefined;
}

export function benchStage1(
  rt: WasmRuntime,
  nSeries: number,
  perSeries: number,
  reps: number,
): Stage1Result {
  const shape = stage1Shape(nSeries, perSeries);
  const f = rt.stage1Frame(shape);
  fillStage1(f, perSeries);
  const params = { windowStartS: START_S, windowS: WINDOW_S, maxGapS: MAX_GAP_S };
  const rows = shape.nSeries * shape.nWindows;
  const tuned: TunedStage1 = {
    offsets: f.offsets,
    timeS: f.timeS,
    value: f.value,
    mode: f.mode,
    ceiling: f.ceiling,
    ...params,
    nWindows: shape.nWindows,
    amount: new Float64Array(rows),
    coveredS: new Float64Array(rows),
    rejected: new Int32Array(shape.nSeries),
  };
  const ceiling = new WebAssembly.Instance(wasmModule("ceiling.wasm"), {
    env: { memory: rt.exports.memory },
  }).exports.sumInputs as (t: number, v: number, n: number) => number;
  let sink = 0;
  const runs = {
    wasm: () => rt.runStage1(f, params),
    ts: () => integrateTuned(tuned),
    ceiling: () => {
      sink += ceiling(f.ptr.timeS, f.ptr.value, shape.nSamples);
    },
  };
  for (const run of Object.values(runs)) for (let i = 0; i < 5; i++) run(); // warm up: JIT tiers, first-touch pages
  const wasm = time(runs.wasm, reps);
  const ts = time(runs.ts, reps);
  const ceil = time(runs.ceiling, reps);
  if (Number.isNaN(sink)) process.stdout.write("");
  let mismatch: string | undefined;
  const checks: [string, ArrayLike<number>, ArrayLike<number>][] = [
    ["amount", f.amount, tuned.amount],
    ["coveredS", f.coveredS, tuned.coveredS],
    ["rejected", f.rejected, tuned.rejected],
  ];
  for (const [name, a, b] of checks) {
    const i = firstMismatch(a, b);
    if (i >= 0) mismatch ??= `${name}[${i}]: wasm ${a[i]} vs ts ${b[i]}`;
  }
  return { samples: shape.nSamples, wasm, ts, ceiling: ceil, mismatch };
}
