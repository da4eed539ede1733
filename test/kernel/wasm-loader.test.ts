/** The WASM host loader: compiled once, one arena grown in pages, views rebuilt after growth. */
import { describe, expect, it } from "vitest";
import { referenceKernel } from "../../kernel/src/reference.js";
import { createWasmKernel, loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { packageRoot, wasmModule } from "../../kernel/src/wasm-module.js";
import { WasmRuntime } from "../../kernel/src/wasm-runtime.js";
import { expectClose } from "./helpers/close.js";
import { oneWindow, powerSeries } from "./helpers/inputs.js";

describe("WASM kernel loader", () => {
  it("compiles the module once and shares one kernel", () => {
    expect(wasmModule("kernel.wasm")).toBe(wasmModule("kernel.wasm"));
    expect(loadWasmKernel()).toBe(loadWasmKernel());
    expect(packageRoot()).toMatch(/main$|tokenwatt|[^/]+$/);
  });

  it("grows memory in pages for a large input and stays correct after growth", () => {
    const rt = new WasmRuntime();
    const kernel = createWasmKernel(rt);
    const before = rt.arena.byteLength;
    const small = powerSeries(200);
    const first = kernel.integrate(small);
    const big = powerSeries(400_000);
    const gotBig = kernel.integrate(big);
    expect(rt.arena.byteLength).toBeGreaterThan(before);
    expect(rt.arena.byteLength % 65536).toBe(0);
    const want = referenceKernel.integrate(big);
    expectClose("amount", gotBig.amount, want.amount);
    expectClose("coveredS", gotBig.coveredS, want.coveredS);
    // Results are copies: a later call leaves earlier results alone.
    const again = kernel.integrate(small);
    expect(Array.from(again.amount)).toEqual(Array.from(first.amount));
    expectClose("small after growth", again.amount, referenceKernel.integrate(small).amount);
  });

  it("frames expose views into linear memory; a larger frame detaches older views", () => {
    const rt = new WasmRuntime();
    const f = rt.stage1Frame({ nSeries: 1, nSamples: 4, nWindows: 1 });
    f.offsets.set([0, 4]);
    f.timeS.set([0, 10, 20, 30]);
    f.value.set([100, 100, 100, 100]);
    f.mode[0] = 0;
    f.ceiling[0] = 1000;
    rt.runStage1(f, { windowStartS: 0, windowS: 60, maxGapS: 15 });
    expect(f.amount[0]).toBe(3000);
    expect(f.coveredS[0]).toBe(30);
    expect(f.rejected[0]).toBe(0);
    const big = rt.stage1Frame({ nSeries: 1, nSamples: 1_000_000, nWindows: 1 });
    expect(f.timeS.length).toBe(0); // detached by growth: views must be rebuilt
    expect(big.timeS.length).toBe(1_000_000);
  });

  it("stage-2 frame runs without copies and reports its line count", () => {
    const rt = new WasmRuntime();
    const input = oneWindow();
    const f = rt.stage2Frame({
      nWindows: 1,
      nReadings: 2,
      nContribs: 1,
      nGpuIndex: 2,
      lineCapacity: 4,
    });
    for (const k of Object.keys(f.windows) as (keyof typeof f.windows)[]) {
      f.windows[k].set(input.windows[k]);
    }
    for (const k of Object.keys(f.readings) as (keyof typeof f.readings)[]) {
      f.readings[k].set(input.readings[k]);
    }
    for (const k of Object.keys(f.contributions) as (keyof typeof f.contributions)[]) {
      f.contributions[k].set(input.contributions[k]);
    }
    const count = rt.runStage2(f, input);
    const want = referenceKernel.attribute(input);
    expect(count).toBe(want.count);
    expectClose("gpuEnergyJ", f.out.gpuEnergyJ, want.gpuEnergyJ, count);
    expectClose("effectiveCost", f.out.effectiveCost, want.effectiveCost, count);
    // Energy is conserved: both GPUs' joules land on the lines.
    const sum = f.out.gpuEnergyJ.subarray(0, count).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(42_000, 6);
  });
});
