/**
 * Kernel statuses become KernelInputError with stable codes, the same codes the reference
 * throws for the same malformed input.
 */
import { describe, expect, it } from "vitest";
import { Status } from "../../kernel/src/constants.js";
import { KernelInputError, referenceKernel } from "../../kernel/src/reference.js";
import type { Kernel } from "../../kernel/src/types.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { WasmRuntime } from "../../kernel/src/wasm-runtime.js";
import { checkStatus } from "../../kernel/src/wasm-status.js";
import { oneWindow, powerSeries } from "./helpers/inputs.js";

const wasm = loadWasmKernel();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelInputError) return e.code;
    throw e;
  }
  return undefined;
}

const cases: [string, string, (k: Kernel) => unknown][] = [
  [
    "offsets past the samples",
    "TW_ERR_KERNEL_BAD_OFFSETS",
    (k) => k.integrate({ ...powerSeries(10), offsets: Int32Array.from([0, 11]) }),
  ],
  [
    "decreasing offsets",
    "TW_ERR_KERNEL_BAD_OFFSETS",
    (k) =>
      k.integrate({
        ...powerSeries(10),
        offsets: Int32Array.from([0, 6, 3]),
        mode: Uint8Array.from([0, 0]),
        ceiling: Float64Array.from([1e3, 1e3]),
      }),
  ],
  [
    "unknown mode",
    "TW_ERR_KERNEL_BAD_MODE",
    (k) => k.integrate({ ...powerSeries(10), mode: Uint8Array.from([7]) }),
  ],
  [
    "windowS = 0",
    "TW_ERR_KERNEL_BAD_SHAPE",
    (k) => k.integrate({ ...powerSeries(10), windowS: 0 }),
  ],
  [
    "NaN maxGapS",
    "TW_ERR_KERNEL_BAD_SHAPE",
    (k) => k.integrate({ ...powerSeries(10), maxGapS: Number.NaN }),
  ],
  [
    "reading window out of range",
    "TW_ERR_KERNEL_BAD_WINDOW_INDEX",
    (k) => {
      const x = oneWindow();
      x.readings.window[1] = 3;
      return k.attribute(x);
    },
  ],
  [
    "contribution on no GPU",
    "TW_ERR_KERNEL_BAD_GPU_REF",
    (k) => {
      const x = oneWindow();
      x.contributions.gpuCount[0] = 0;
      return k.attribute(x);
    },
  ],
  [
    "gpuIndex past the readings",
    "TW_ERR_KERNEL_BAD_GPU_REF",
    (k) => {
      const x = oneWindow();
      x.contributions.gpuIndex[1] = 5;
      return k.attribute(x);
    },
  ],
  [
    "group without tenants",
    "TW_ERR_KERNEL_BAD_TENANT_RANGE",
    (k) =>
      k.splitTenants({
        promptWeight: 0.25,
        cachedWeight: 0.025,
        groupPrompt: Float64Array.from([1]),
        groupCached: Float64Array.from([0]),
        groupGen: Float64Array.from([1]),
        groupRequests: Float64Array.from([1]),
        tenantStart: Int32Array.from([0]),
        tenantCount: Int32Array.from([0]),
        tenantPrompt: Float64Array.from([1]),
        tenantCached: Float64Array.from([0]),
        tenantGen: Float64Array.from([1]),
      }),
  ],
];

describe("kernel statuses", () => {
  for (const [name, code, fn] of cases) {
    it(`${name}: ${code} from both kernels`, () => {
      expect(codeOf(() => fn(wasm))).toBe(code);
      expect(codeOf(() => fn(referenceKernel))).toBe(code);
    });
  }

  it("unsorted readings: TW_ERR_KERNEL_UNSORTED", () => {
    const x = oneWindow();
    const two = {
      ...x,
      windows: Object.fromEntries(
        Object.entries(x.windows).map(([k, v]) => [k, Float64Array.from([v[0], v[0]])]),
      ) as unknown as typeof x.windows,
      readings: { ...x.readings, window: Int32Array.from([1, 0]) },
      contributions: { ...x.contributions, window: Int32Array.from([1]) },
    };
    // The contribution names reading 0 of window 0 while it sits in window 1.
    two.contributions.gpuIndex = Int32Array.from([0, 0]);
    two.contributions.gpuCount = Int32Array.from([1]);
    expect(codeOf(() => wasm.attribute(two))).toBe("TW_ERR_KERNEL_UNSORTED");
    expect(codeOf(() => referenceKernel.attribute(two))).toBe("TW_ERR_KERNEL_UNSORTED");
  });

  it("a too-small line region: TW_ERR_KERNEL_CAPACITY", () => {
    const rt = new WasmRuntime();
    const x = oneWindow();
    const f = rt.stage2Frame({
      nWindows: 1,
      nReadings: 2,
      nContribs: 1,
      nGpuIndex: 2,
      lineCapacity: 1,
    });
    for (const k of Object.keys(f.windows) as (keyof typeof f.windows)[])
      f.windows[k].set(x.windows[k]);
    for (const k of Object.keys(f.readings) as (keyof typeof f.readings)[])
      f.readings[k].set(x.readings[k]);
    for (const k of Object.keys(f.contributions) as (keyof typeof f.contributions)[]) {
      f.contributions[k].set(x.contributions[k]);
    }
    expect(codeOf(() => rt.runStage2(f, x))).toBe("TW_ERR_KERNEL_CAPACITY");
  });

  it("a region outside linear memory: OutOfBounds, not a trap", () => {
    const rt = new WasmRuntime();
    const past = rt.arena.byteLength + 64;
    const st = rt.exports.integrate(0, 1, past, past, 10, 0, 0, 0, 60, 1, 15, 0, 0, 0);
    expect(st).toBe(Status.OutOfBounds);
    expect(codeOf(() => checkStatus(st, "integrate", "timeS"))).toBe("TW_ERR_KERNEL_OUT_OF_BOUNDS");
  });

  it("errors carry the call and the field", () => {
    try {
      checkStatus(Status.BadMode, "integrate", "mode");
      expect.fail("no throw");
    } catch (e) {
      expect(e).toBeInstanceOf(KernelInputError);
      expect((e as KernelInputError).context).toEqual({ call: "integrate", field: "mode" });
      expect((e as Error).message).toContain("integrate: mode");
    }
    expect(codeOf(() => checkStatus(42, "x", "y"))).toBe("TW_ERR_KERNEL_BAD_SHAPE");
    expect(() => checkStatus(Status.Ok, "x", "y")).not.toThrow();
  });
});
