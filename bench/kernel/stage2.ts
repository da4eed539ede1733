/** Stage-2 scenario: WASM kernel and tuned TS over the same GPU-window readings. */
import { LINE_F64_COLUMNS, type Stage2Input } from "../../kernel/src/types.js";
import type { WasmRuntime } from "../../kernel/src/wasm-runtime.js";
import { firstMismatch } from "./compare.js";
import { fillStage2, stage2Shape } from "./inputs.js";
import { type Timing, time } from "./timing.js";
import { attributeTuned, TunedStage2Out } from "./tuned-stage2.js";

export interface Stage2Result {
  readings: number;
  lines: number;
  wasm: Timing;
  ts: Timing;
  mismatch: string | undefined;
}

export function benchStage2(rt: WasmRuntime, nWindows: number, reps: number): Stage2Result {
  const shape = stage2Shape(nWindows);
  const f = rt.stage2Frame(shape);
  fillStage2(f);
  const params = { promptWeight: 0.25, cachedWeight: 0.025, idleSeparate: false };
  const input: Stage2Input = {
    ...params,
    windows: f.windows,
    readings: f.readings,
    contributions: f.contributions,
  };
  const out = new TunedStage2Out(
    shape.lineCapacity,
    shape.nReadings,
    shape.nContribs,
    shape.nGpuIndex,
  );
  let wasmLines = 0;
  let tsLines = 0;
  const runs = {
    wasm: () => {
      wasmLines = rt.runStage2(f, params);
    },
    ts: () => {
      tsLines = attributeTuned(input, out);
    },
  };
  for (const run of Object.values(runs)) for (let i = 0; i < 5; i++) run();
  const wasm = time(runs.wasm, reps);
  const ts = time(runs.ts, reps);
  let mismatch: string | undefined;
  if (wasmLines !== tsLines) mismatch = `line count: wasm ${wasmLines} vs ts ${tsLines}`;
  const ints: [string, ArrayLike<number>, ArrayLike<number>][] = [
    ["reading", f.out.reading, out.reading],
    ["workload", f.out.workload, out.workload],
    ["tenant", f.out.tenant, out.tenant],
    ["kind", f.out.kind, out.kind],
  ];
  const cols = LINE_F64_COLUMNS.map((c, i): [string, ArrayLike<number>, ArrayLike<number>] => [
    c,
    f.out[c],
    out.f64[i],
  ]);
  for (const [name, a, b] of [...ints, ...cols]) {
    const i = firstMismatch(a, b, wasmLines);
    if (i >= 0) mismatch ??= `${name}[${i}]: wasm ${a[i]} vs ts ${b[i]}`;
  }
  return { readings: shape.nReadings, lines: wasmLines, wasm, ts, mismatch };
}
