/**
 * Input checks of the reference kernel, mirroring the statuses of the WASM kernel
 * (docs/metering-model.md, "Preconditions"). Each throws a KernelInputError.
 */
import { Status } from "../constants.js";
import { SeriesMode, type Stage1Input, type Stage2Input, type TenantSplitInput } from "../types.js";
import { KernelInputError } from "./input-error.js";

function fail(status: Exclude<Status, 0>, call: string, field: string, message: string): never {
  throw new KernelInputError(status, message, { call, field });
}

export function checkStage1(input: Stage1Input): void {
  const call = "integrate";
  const nSeries = input.offsets.length - 1;
  const scalarsOk =
    input.windowS > 0 &&
    Number.isFinite(input.windowS) &&
    Number.isFinite(input.windowStartS) &&
    input.maxGapS >= 0 &&
    Number.isInteger(input.nWindows) &&
    input.nWindows >= 0;
  if (!scalarsOk)
    fail(Status.BadShape, call, "windowS/windowStartS/nWindows/maxGapS", "out of domain");
  if (nSeries < 0 || input.timeS.length !== input.value.length) {
    fail(Status.BadShape, call, "offsets/timeS/value", "inconsistent lengths");
  }
  if (input.mode.length < nSeries || input.ceiling.length < nSeries) {
    fail(Status.BadShape, call, "mode/ceiling", `needs ${nSeries} per-series entries`);
  }
  if (nSeries >= 0 && input.offsets[0] < 0) fail(Status.BadOffsets, call, "offsets[0]", "negative");
  for (let s = 0; s < nSeries; s++) {
    const from = input.offsets[s];
    const to = input.offsets[s + 1];
    if (to < from || to > input.timeS.length) {
      fail(Status.BadOffsets, call, `offsets[${s + 1}]`, `bad span [${from}, ${to})`);
    }
    const m = input.mode[s];
    if (m !== SeriesMode.Power && m !== SeriesMode.Counter && m !== SeriesMode.CounterNoGap) {
      fail(Status.BadMode, call, `mode[${s}]`, `unknown mode ${m}`);
    }
  }
}

export function checkStage2(input: Stage2Input): void {
  const call = "attribute";
  const { windows, readings, contributions: c } = input;
  const nW = windows.startS.length;
  const nR = readings.window.length;
  checkSorted(readings.window, nW, call, "readings.window");
  checkSorted(c.window, nW, call, "contributions.window");
  for (let i = 0; i < c.window.length; i++) {
    const start = c.gpuStart[i];
    const count = c.gpuCount[i];
    // A contribution on no GPU would lose its tokens silently.
    if (!(start >= 0 && count >= 1 && start + count <= c.gpuIndex.length)) {
      fail(Status.BadGpuRef, call, `contributions[${i}]`, `gpu range [${start}, +${count})`);
    }
    for (let j = start; j < start + count; j++) {
      const r = c.gpuIndex[j];
      if (!(r >= 0 && r < nR) || readings.window[r] !== c.window[i]) {
        fail(Status.BadGpuRef, call, `gpuIndex[${j}]`, `reading ${r} not in window ${c.window[i]}`);
      }
    }
  }
}

function checkSorted(window: Int32Array, nW: number, call: string, field: string): void {
  for (let i = 0; i < window.length; i++) {
    if (!(window[i] >= 0 && window[i] < nW)) {
      fail(Status.BadWindowIndex, call, `${field}[${i}]`, `window ${window[i]} of ${nW}`);
    }
    if (i > 0 && window[i] < window[i - 1]) {
      fail(Status.Unsorted, call, `${field}[${i}]`, "rows are not sorted by window");
    }
  }
}

export function checkTenantSplit(input: TenantSplitInput): void {
  const nTenants = input.tenantPrompt.length;
  for (let g = 0; g < input.groupPrompt.length; g++) {
    const start = input.tenantStart[g];
    const count = input.tenantCount[g];
    // A group without tenant rows would lose the workload's tokens.
    if (!(start >= 0 && count >= 1 && start + count <= nTenants)) {
      fail(
        Status.BadTenantRange,
        "splitTenants",
        `group ${g}`,
        `tenant rows [${start}, +${count})`,
      );
    }
  }
}
