/**
 * Host-side mirror of kernel/assembly/constants.ts: statuses returned by the WASM kernel,
 * the stage-2 descriptor slots, and scratch sizing. Keep both files value-for-value equal
 * (test/kernel/wasm-constants.test.ts compares them).
 */
export const Status = {
  Ok: 0,
  BadShape: 1,
  BadOffsets: 2,
  BadMode: 3,
  BadWindowIndex: 4,
  Unsorted: 5,
  BadGpuRef: 6,
  Capacity: 7,
  BadTenantRange: 8,
  OutOfBounds: 9,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** Stable error code per non-OK status. */
export const STATUS_CODES: Record<Exclude<Status, 0>, string> = {
  [Status.BadShape]: "TW_ERR_KERNEL_BAD_SHAPE",
  [Status.BadOffsets]: "TW_ERR_KERNEL_BAD_OFFSETS",
  [Status.BadMode]: "TW_ERR_KERNEL_BAD_MODE",
  [Status.BadWindowIndex]: "TW_ERR_KERNEL_BAD_WINDOW_INDEX",
  [Status.Unsorted]: "TW_ERR_KERNEL_UNSORTED",
  [Status.BadGpuRef]: "TW_ERR_KERNEL_BAD_GPU_REF",
  [Status.Capacity]: "TW_ERR_KERNEL_CAPACITY",
  [Status.BadTenantRange]: "TW_ERR_KERNEL_BAD_TENANT_RANGE",
  [Status.OutOfBounds]: "TW_ERR_KERNEL_OUT_OF_BOUNDS",
};

/** Stage-2 descriptor: i32 slots at `desc + 4·slot`. */
export const Desc = {
  NWindows: 0,
  NReadings: 1,
  NContribs: 2,
  NGpuIndex: 3,
  LineCapacity: 4,
  LineCount: 5,
  Scratch: 6,
  WStart: 7,
  WLength: 8,
  WHostJ: 9,
  WOverheadJ: 10,
  WPue: 11,
  WPrice: 12,
  WCarbon: 13,
  WGpuRate: 14,
  WDiscount: 15,
  WEmbodied: 16,
  RWindow: 17,
  REnergyJ: 18,
  RCoveredS: 19,
  RIdleW: 20,
  ROwnerWorkload: 21,
  ROwnerTenant: 22,
  CWindow: 23,
  CWorkload: 24,
  CTenant: 25,
  CPrompt: 26,
  CCached: 27,
  CGen: 28,
  CRequests: 29,
  CGpuStart: 30,
  CGpuCount: 31,
  CGpuIndex: 32,
  OReading: 33,
  OWorkload: 34,
  OTenant: 35,
  OKind: 36,
  OF64: 37,
  Slots: 38,
} as const;

export const LINE_F64_COUNT = 15;
export const BLANK_SENTINEL = 9.2e18;

/**
 * Scratch bytes stage 2 needs: per reading S_g (f64) and a CSR start and cursor (i32), per
 * contribution T_c and 1/gpuCount (f64), per gpuIndex entry one i32.
 */
export function stage2ScratchBytes(
  nReadings: number,
  nContribs: number,
  nGpuIndex: number,
): number {
  return nReadings * 16 + nContribs * 16 + nGpuIndex * 4 + 16;
}
