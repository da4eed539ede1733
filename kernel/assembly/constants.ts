// Status codes and the stage-2 descriptor layout. Mirrored, value for value, by
// kernel/src/constants.ts (the host maps statuses to error classes there); a test checks
// that both sides agree.

/** What every exported kernel function returns. `throw` would abort the module, so none is used. */
export namespace Status {
  export const Ok: i32 = 0;
  /** A count is negative, a scalar parameter is NaN/∞ or out of its domain. */
  export const BadShape: i32 = 1;
  /** Stage 1: offsets not non-decreasing within [0, nSamples]. */
  export const BadOffsets: i32 = 2;
  /** Stage 1: a series mode is not a SeriesMode. */
  export const BadMode: i32 = 3;
  /** Stage 2: a reading's or contribution's window index is outside [0, nWindows). */
  export const BadWindowIndex: i32 = 4;
  /** Stage 2: readings or contributions are not sorted by window. */
  export const Unsorted: i32 = 5;
  /** Stage 2: gpuStart/gpuCount/gpuIndex out of range, or a reading of another window. */
  export const BadGpuRef: i32 = 6;
  /** Stage 2: the output region holds fewer lines than the window needs. */
  export const Capacity: i32 = 7;
  /** Tenant split: tenantStart/tenantCount out of range, or a group without tenants. */
  export const BadTenantRange: i32 = 8;
  /** A region does not fit in linear memory. */
  export const OutOfBounds: i32 = 9;
}

export namespace Mode {
  export const Power: u8 = 0;
  export const Counter: u8 = 1;
  export const CounterNoGap: u8 = 2;
}

export namespace LineKind {
  export const Usage: u8 = 0;
  export const Idle: u8 = 1;
}

/** Stage-2 descriptor: i32 slots at `desc + 4·slot`. Pointers are byte offsets in linear memory. */
export namespace Desc {
  export const NWindows: i32 = 0;
  export const NReadings: i32 = 1;
  export const NContribs: i32 = 2;
  export const NGpuIndex: i32 = 3;
  export const LineCapacity: i32 = 4;
  /** Written by the kernel: lines emitted. */
  export const LineCount: i32 = 5;
  /** Scratch of stage2ScratchBytes(nReadings, nContribs, nGpuIndex) bytes, 8-aligned. */
  export const Scratch: i32 = 6;
  // Windows (f64 columns).
  export const WStart: i32 = 7;
  export const WLength: i32 = 8;
  export const WHostJ: i32 = 9;
  export const WOverheadJ: i32 = 10;
  export const WPue: i32 = 11;
  export const WPrice: i32 = 12;
  export const WCarbon: i32 = 13;
  export const WGpuRate: i32 = 14;
  export const WDiscount: i32 = 15;
  export const WEmbodied: i32 = 16;
  // Readings.
  export const RWindow: i32 = 17; // i32
  export const REnergyJ: i32 = 18; // f64
  export const RCoveredS: i32 = 19; // f64
  export const RIdleW: i32 = 20; // f64
  export const ROwnerWorkload: i32 = 21; // i32
  export const ROwnerTenant: i32 = 22; // i32
  // Contributions.
  export const CWindow: i32 = 23; // i32
  export const CWorkload: i32 = 24; // i32
  export const CTenant: i32 = 25; // i32
  export const CPrompt: i32 = 26; // f64
  export const CCached: i32 = 27; // f64
  export const CGen: i32 = 28; // f64
  export const CRequests: i32 = 29; // f64
  export const CGpuStart: i32 = 30; // i32
  export const CGpuCount: i32 = 31; // i32
  export const CGpuIndex: i32 = 32; // i32
  // Output lines.
  export const OReading: i32 = 33; // i32
  export const OWorkload: i32 = 34; // i32
  export const OTenant: i32 = 35; // i32
  export const OKind: i32 = 36; // u8
  /** LINE_F64_COLUMNS.length f64 columns of LineCapacity each, contiguous, in that order. */
  export const OF64: i32 = 37;
  export const Slots: i32 = 38;
}

/** Number of f64 output columns per line (types.ts LINE_F64_COLUMNS). */
export const LINE_F64_COUNT: i32 = 15;

/** DCGM's "blank" sentinel: values at or above it are not measurements. */
export const BLANK_SENTINEL: f64 = 9.2e18;
