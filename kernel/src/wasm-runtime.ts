/**
 * The low-level WASM kernel API: the caller gets typed-array views straight into linear
 * memory, fills them, and runs a stage without any copy (the bench and hot paths use it;
 * `loadWasmKernel()` wraps it with copies). One frame is live at a time: a new frame, or
 * any call of the copying kernel on the same runtime, invalidates earlier views.
 */
import { Desc, LINE_F64_COUNT, stage2ScratchBytes } from "./constants.js";
import { LINE_F64_COLUMNS, type LineF64Column } from "./types.js";
import { WasmArena } from "./wasm-arena.js";
import { instantiateKernel, type KernelExports } from "./wasm-module.js";
import { checkStatus } from "./wasm-status.js";

export interface Stage1Shape {
  nSeries: number;
  nSamples: number;
  nWindows: number;
}

export interface Stage1Params {
  windowStartS: number;
  windowS: number;
  maxGapS: number;
}

/** Stage-1 views into linear memory: inputs to fill, outputs valid after run. */
export interface Stage1Frame {
  readonly shape: Stage1Shape;
  offsets: Int32Array;
  timeS: Float64Array;
  value: Float64Array;
  mode: Uint8Array;
  ceiling: Float64Array;
  amount: Float64Array;
  coveredS: Float64Array;
  rejected: Int32Array;
  readonly ptr: Record<
    "offsets" | "timeS" | "value" | "mode" | "ceiling" | "amount" | "coveredS" | "rejected",
    number
  >;
}

export interface Stage2Shape {
  nWindows: number;
  nReadings: number;
  nContribs: number;
  nGpuIndex: number;
  /** Lines the output holds; Σ gpuCount + nReadings always suffices. */
  lineCapacity: number;
}

/** Stage-2 views into linear memory; column names as in types.ts. */
export interface Stage2Frame {
  readonly shape: Stage2Shape;
  readonly desc: number;
  windows: Record<(typeof WINDOW_COLS)[number], Float64Array>;
  readings: { window: Int32Array; ownerWorkload: Int32Array; ownerTenant: Int32Array } & Record<
    (typeof READING_F64)[number],
    Float64Array
  >;
  contributions: {
    window: Int32Array;
    workload: Int32Array;
    tenant: Int32Array;
    gpuStart: Int32Array;
    gpuCount: Int32Array;
    gpuIndex: Int32Array;
  } & Record<(typeof CONTRIB_F64)[number], Float64Array>;
  out: { reading: Int32Array; workload: Int32Array; tenant: Int32Array; kind: Uint8Array } & Record<
    LineF64Column,
    Float64Array
  >;
}

const WINDOW_COLS = [
  "startS",
  "lengthS",
  "hostJ",
  "overheadJ",
  "pue",
  "pricePerKwh",
  "carbonGPerKwh",
  "gpuRatePerHour",
  "discount",
  "embodiedGPerGpuHour",
] as const;
const READING_F64 = ["energyJ", "coveredS", "idleW"] as const;
const CONTRIB_F64 = ["prompt", "cached", "gen", "requests"] as const;

export class WasmRuntime {
  readonly exports: KernelExports;
  readonly arena: WasmArena;

  constructor() {
    this.exports = instantiateKernel();
    this.arena = new WasmArena(this.exports.memory, this.exports.heapBase());
  }

  stage1Frame(shape: Stage1Shape): Stage1Frame {
    const a = this.arena;
    a.reset();
    const rows = shape.nSeries * shape.nWindows;
    const ptr = {
      offsets: a.alloc((shape.nSeries + 1) * 4),
      timeS: a.alloc(shape.nSamples * 8),
      value: a.alloc(shape.nSamples * 8),
      mode: a.alloc(shape.nSeries),
      ceiling: a.alloc(shape.nSeries * 8),
      amount: a.alloc(rows * 8),
      coveredS: a.alloc(rows * 8),
      rejected: a.alloc(shape.nSeries * 4),
    };
    return {
      shape,
      ptr,
      offsets: a.i32(ptr.offsets, shape.nSeries + 1),
      timeS: a.f64(ptr.timeS, shape.nSamples),
      value: a.f64(ptr.value, shape.nSamples),
      mode: a.u8(ptr.mode, shape.nSeries),
      ceiling: a.f64(ptr.ceiling, shape.nSeries),
      amount: a.f64(ptr.amount, rows),
      coveredS: a.f64(ptr.coveredS, rows),
      rejected: a.i32(ptr.rejected, shape.nSeries),
    };
  }

  /** Integrates the frame's inputs into its outputs; throws KernelInputError on a bad status. */
  runStage1(f: Stage1Frame, p: Stage1Params): void {
    const s = f.shape;
    const status = this.exports.integrate(
      f.ptr.offsets,
      s.nSeries,
      f.ptr.timeS,
      f.ptr.value,
      s.nSamples,
      f.ptr.mode,
      f.ptr.ceiling,
      p.windowStartS,
      p.windowS,
      s.nWindows,
      p.maxGapS,
      f.ptr.amount,
      f.ptr.coveredS,
      f.ptr.rejected,
    );
    checkStatus(status, "integrate", "input");
  }

  stage2Frame(shape: Stage2Shape): Stage2Frame {
    const a = this.arena;
    a.reset();
    const { nWindows: nW, nReadings: nR, nContribs: nC, nGpuIndex: nI, lineCapacity: cap } = shape;
    const desc = a.alloc(Desc.Slots * 4);
    const slots: number[] = new Array(Desc.Slots).fill(0);
    const put = (slot: number, bytes: number): number => {
      slots[slot] = a.alloc(bytes);
      return slots[slot];
    };
    put(Desc.Scratch, stage2ScratchBytes(nR, nC, nI));
    const wPtr = WINDOW_COLS.map((_, i) => put(Desc.WStart + i, nW * 8));
    const rWindow = put(Desc.RWindow, nR * 4);
    const rF64 = READING_F64.map((_, i) => put(Desc.REnergyJ + i, nR * 8));
    const rOwnerW = put(Desc.ROwnerWorkload, nR * 4);
    const rOwnerT = put(Desc.ROwnerTenant, nR * 4);
    const cI32 = [Desc.CWindow, Desc.CWorkload, Desc.CTenant].map((d) => put(d, nC * 4));
    const cF64 = CONTRIB_F64.map((_, i) => put(Desc.CPrompt + i, nC * 8));
    const cStart = put(Desc.CGpuStart, nC * 4);
    const cCount = put(Desc.CGpuCount, nC * 4);
    const cIndex = put(Desc.CGpuIndex, nI * 4);
    const oI32 = [Desc.OReading, Desc.OWorkload, Desc.OTenant].map((d) => put(d, cap * 4));
    const oKind = put(Desc.OKind, cap);
    const oF64 = put(Desc.OF64, cap * 8 * LINE_F64_COUNT);
    slots[Desc.NWindows] = nW;
    slots[Desc.NReadings] = nR;
    slots[Desc.NContribs] = nC;
    slots[Desc.NGpuIndex] = nI;
    slots[Desc.LineCapacity] = cap;
    // Views only now: the allocations above may have grown (and detached) memory.
    new Uint32Array(a.memory.buffer, desc, Desc.Slots).set(slots);
    const out = {
      reading: a.i32(oI32[0], cap),
      workload: a.i32(oI32[1], cap),
      tenant: a.i32(oI32[2], cap),
      kind: a.u8(oKind, cap),
    } as Stage2Frame["out"];
    LINE_F64_COLUMNS.forEach((c, i) => {
      out[c] = a.f64(oF64 + i * cap * 8, cap);
    });
    const windows = {} as Stage2Frame["windows"];
    WINDOW_COLS.forEach((c, i) => {
      windows[c] = a.f64(wPtr[i], nW);
    });
    const readings = {
      window: a.i32(rWindow, nR),
      ownerWorkload: a.i32(rOwnerW, nR),
      ownerTenant: a.i32(rOwnerT, nR),
    } as Stage2Frame["readings"];
    READING_F64.forEach((c, i) => {
      readings[c] = a.f64(rF64[i], nR);
    });
    const contributions = {
      window: a.i32(cI32[0], nC),
      workload: a.i32(cI32[1], nC),
      tenant: a.i32(cI32[2], nC),
      gpuStart: a.i32(cStart, nC),
      gpuCount: a.i32(cCount, nC),
      gpuIndex: a.i32(cIndex, nI),
    } as Stage2Frame["contributions"];
    CONTRIB_F64.forEach((c, i) => {
      contributions[c] = a.f64(cF64[i], nC);
    });
    return { shape, desc, windows, readings, contributions, out };
  }

  /** Attributes the frame's rows; returns the number of lines written to `out`. */
  runStage2(
    f: Stage2Frame,
    p: { promptWeight: number; cachedWeight: number; idleSeparate: boolean },
  ): number {
    const status = this.exports.attribute(
      f.desc,
      p.promptWeight,
      p.cachedWeight,
      p.idleSeparate ? 1 : 0,
    );
    checkStatus(status, "attribute", "input");
    return new Int32Array(this.arena.memory.buffer, f.desc, Desc.Slots)[Desc.LineCount];
  }
}
