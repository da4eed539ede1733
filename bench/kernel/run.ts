/**
 * `npm run bench:kernel`: stage-1 samples/s (WASM, tuned TS, ceiling) and stage-2
 * GPU-window readings/s (WASM, tuned TS) on the same inputs, a table, then one JSON line.
 * Rates use the best of N runs after warm-up (machines are shared; the median is shown
 * beside it). Sizes exceed a 300 MiB L3: stage 1 reads 512 MB, stage 2 writes ~390 MB.
 * Env: BENCH_SERIES, BENCH_PER_SERIES, BENCH_WINDOWS, BENCH_REPS scale the run.
 */
import { WasmRuntime } from "../../kernel/src/wasm-runtime.js";
import { benchStage1 } from "./stage1.js";
import { benchStage2 } from "./stage2.js";

const env = (k: string, d: number): number => Number(process.env[k] ?? d);
const reps = env("BENCH_REPS", 10);
const rt = new WasmRuntime();
const s1 = benchStage1(rt, env("BENCH_SERIES", 32_000), env("BENCH_PER_SERIES", 1_000), reps);
const s2 = benchStage2(rt, env("BENCH_WINDOWS", 100_000), reps);

const rate = (n: number, s: number) => n / s;
const rows: [string, number, number, number][] = [
  ["stage 1 WASM (samples/s)", s1.samples, s1.wasm.bestS, s1.wasm.medianS],
  ["stage 1 tuned TS", s1.samples, s1.ts.bestS, s1.ts.medianS],
  ["stage 1 ceiling (read once)", s1.samples, s1.ceiling.bestS, s1.ceiling.medianS],
  ["stage 2 WASM (readings/s)", s2.readings, s2.wasm.bestS, s2.wasm.medianS],
  ["stage 2 tuned TS", s2.readings, s2.ts.bestS, s2.ts.medianS],
];
const fmt = (x: number) => x.toExponential(3).padStart(11);
process.stdout.write(
  `${"scenario".padEnd(30)} ${"items".padStart(11)} ${"best/s".padStart(11)} ${"median/s".padStart(11)}\n`,
);
for (const [name, n, best, median] of rows) {
  process.stdout.write(
    `${name.padEnd(30)} ${fmt(n)} ${fmt(rate(n, best))} ${fmt(rate(n, median))}\n`,
  );
}
const ratio = (a: number, b: number) => (a / b).toFixed(2);
process.stdout.write(
  `stage 1: WASM/TS ${ratio(s1.ts.bestS, s1.wasm.bestS)}x, WASM/ceiling ${ratio(s1.ceiling.bestS, s1.wasm.bestS)}; ` +
    `stage 2: WASM/TS ${ratio(s2.ts.bestS, s2.wasm.bestS)}x (${s2.lines} lines)\n`,
);
for (const m of [s1.mismatch, s2.mismatch]) {
  if (m) process.stdout.write(`MISMATCH tuned TS vs WASM: ${m}\n`);
}
process.stdout.write(
  `${JSON.stringify({
    stage1_wasm_per_s: Math.round(rate(s1.samples, s1.wasm.bestS)),
    stage1_ts_per_s: Math.round(rate(s1.samples, s1.ts.bestS)),
    stage1_ceiling_per_s: Math.round(rate(s1.samples, s1.ceiling.bestS)),
    stage2_wasm_per_s: Math.round(rate(s2.readings, s2.wasm.bestS)),
    stage2_ts_per_s: Math.round(rate(s2.readings, s2.ts.bestS)),
    stage1_samples: s1.samples,
    stage2_readings: s2.readings,
    results_match: !s1.mismatch && !s2.mismatch,
  })}\n`,
);
if (s1.mismatch || s2.mismatch) process.exitCode = 1;
