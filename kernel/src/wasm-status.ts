/** Maps a kernel status to the error the host throws (codes from constants.ts). */
import { Status } from "./constants.js";
import { KernelInputError } from "./reference/input-error.js";

export function checkStatus(status: number, call: string, field: string): void {
  if (status === Status.Ok) return;
  if (!isStatus(status)) {
    throw new KernelInputError(Status.BadShape, `unknown kernel status ${status}`, { call, field });
  }
  throw new KernelInputError(status, statusMessage(status), { call, field });
}

function isStatus(s: number): s is Exclude<Status, 0> {
  return Number.isInteger(s) && s > 0 && s <= Status.OutOfBounds;
}

function statusMessage(s: Exclude<Status, 0>): string {
  switch (s) {
    case Status.BadShape:
      return "a count or scalar parameter is out of its domain";
    case Status.BadOffsets:
      return "offsets are not non-decreasing within [0, nSamples]";
    case Status.BadMode:
      return "a series mode is not a SeriesMode";
    case Status.BadWindowIndex:
      return "a window index is outside [0, nWindows)";
    case Status.Unsorted:
      return "rows are not sorted by window";
    case Status.BadGpuRef:
      return "a contribution's GPU range or gpuIndex does not name readings of its window";
    case Status.Capacity:
      return "the line output region is too small";
    case Status.BadTenantRange:
      return "a group's tenant rows are empty or out of range";
    case Status.OutOfBounds:
      return "a region lies outside linear memory";
  }
}
