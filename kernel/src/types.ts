/**
 * The metering kernel's contract: columnar inputs and outputs shared by the WASM kernel
 * (`wasm-kernel.ts`) and the plain-TypeScript reference (`reference.ts`). The exact maths
 * is in docs/metering-model.md; both implementations must agree to 1e-9 relative.
 *
 * Conventions: times are UTC epoch seconds (f64), energies joules, powers watts.
 * Arrays named per-row have one element per row; "row-major [s * nWindows + w]" means
 * series s, window w.
 */

/** How a stage-1 series is integrated. Values mirror kernel/assembly/constants.ts. */
export const SeriesMode = {
  /** Instantaneous power (W) or any gauge: trapezoid rule, gaps, ceiling on the value. */
  Power: 0,
  /** Cumulative energy counter (J): overlap split, resets, gaps, ceiling on the rate (W). */
  Counter: 1,
  /** Cumulative event counter (tokens, requests): overlap split, restarts, no gaps, no ceiling. */
  CounterNoGap: 2,
} as const;
export type SeriesMode = (typeof SeriesMode)[keyof typeof SeriesMode];

export interface Stage1Input {
  /** Series i spans samples [offsets[i], offsets[i+1]); length nSeries + 1. */
  offsets: Int32Array;
  /** Sample times, epoch seconds; expected non-decreasing within a series. */
  timeS: Float64Array;
  /** Sample values: W for Power, J for Counter, a count for CounterNoGap. */
  value: Float64Array;
  /** Per series: a SeriesMode. */
  mode: Uint8Array;
  /** Per series: Power rejects values above it (W); Counter rejects intervals whose rate exceeds it (W). */
  ceiling: Float64Array;
  /** First window start, epoch seconds, a multiple of windowS. */
  windowStartS: number;
  windowS: number;
  nWindows: number;
  /** An interval longer than this is a gap (Power and Counter modes). */
  maxGapS: number;
}

export interface Stage1Output {
  /** Row-major [series * nWindows + w]: joules (Power: ∫P dt; Counter: increment) or count. */
  amount: Float64Array;
  /** Row-major [series * nWindows + w]: seconds of the window covered by non-gap intervals. */
  coveredS: Float64Array;
  /** Per series: samples rejected (invalid, out of order) plus counter intervals over the ceiling. */
  rejected: Int32Array;
}

/** Per-window parameters of stage 2 (one row per agent × window). */
export interface Stage2Windows {
  startS: Float64Array;
  lengthS: Float64Array;
  /** Measured host (non-GPU) energy in the window, J; 0 when not measured. */
  hostJ: Float64Array;
  /** Measured facility overhead (cooling etc.) energy, J; NaN = not measured, use pue. */
  overheadJ: Float64Array;
  pue: Float64Array;
  /** Energy price per kWh, already time-weighted over the window (see stepMean). */
  pricePerKwh: Float64Array;
  /** Grid carbon intensity gCO2e/kWh, time-weighted over the window. */
  carbonGPerKwh: Float64Array;
  gpuRatePerHour: Float64Array;
  /** Lane commitment discount, 0..1: EffectiveCost = ListCost × (1 − discount). */
  discount: Float64Array;
  embodiedGPerGpuHour: Float64Array;
}

/** Stage-1 output per GPU × window; rows sorted by window. */
export interface Stage2Readings {
  window: Int32Array;
  energyJ: Float64Array;
  coveredS: Float64Array;
  idleW: Float64Array;
  /** Workload index of the GPU's owner line, or -1 for an unassigned GPU. */
  ownerWorkload: Int32Array;
  /** Tenant index of the GPU's owner line. */
  ownerTenant: Int32Array;
}

/**
 * Token counts of one workload × tenant in one window (already split by tenant), spread
 * evenly over the readings gpuIndex[gpuStart .. gpuStart + gpuCount). Rows sorted by window.
 */
export interface Stage2Contributions {
  window: Int32Array;
  workload: Int32Array;
  tenant: Int32Array;
  prompt: Float64Array;
  cached: Float64Array;
  gen: Float64Array;
  requests: Float64Array;
  gpuStart: Int32Array;
  gpuCount: Int32Array;
  /** Reading indices, referenced by gpuStart/gpuCount. */
  gpuIndex: Int32Array;
}

export interface Stage2Input {
  /** α: weight of uncached prompt tokens. */
  promptWeight: number;
  /** β: weight of cached prompt tokens. */
  cachedWeight: number;
  /** false: idle energy follows the token shares; true: it goes to the owner's idle line. */
  idleSeparate: boolean;
  windows: Stage2Windows;
  readings: Stage2Readings;
  contributions: Stage2Contributions;
}

export const LineKind = { Usage: 0, Idle: 1 } as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** Columnar usage lines; `count` rows are valid (arrays may be longer). */
export interface Stage2Output {
  count: number;
  reading: Int32Array;
  workload: Int32Array;
  tenant: Int32Array;
  kind: Uint8Array;
  gpuEnergyJ: Float64Array;
  idleEnergyJ: Float64Array;
  hostEnergyJ: Float64Array;
  facilityEnergyJ: Float64Array;
  gpuSeconds: Float64Array;
  prompt: Float64Array;
  cached: Float64Array;
  gen: Float64Array;
  requests: Float64Array;
  coverage: Float64Array;
  energyCost: Float64Array;
  gpuTimeCost: Float64Array;
  listCost: Float64Array;
  effectiveCost: Float64Array;
  carbonG: Float64Array;
}

/** The numeric line columns, in the order the WASM output region stores them. */
export const LINE_F64_COLUMNS = [
  "gpuEnergyJ",
  "idleEnergyJ",
  "hostEnergyJ",
  "facilityEnergyJ",
  "gpuSeconds",
  "prompt",
  "cached",
  "gen",
  "requests",
  "coverage",
  "energyCost",
  "gpuTimeCost",
  "listCost",
  "effectiveCost",
  "carbonG",
] as const;
export type LineF64Column = (typeof LINE_F64_COLUMNS)[number];

/**
 * Tenant split: a workload's window totals (groups) shared among tenants by the tenants'
 * weighted tokens as seen by a gateway (e.g. LiteLLM per team).
 */
export interface TenantSplitInput {
  promptWeight: number;
  cachedWeight: number;
  /** Per group: the workload's totals, and its tenants tenant rows [tenantStart, +tenantCount). */
  groupPrompt: Float64Array;
  groupCached: Float64Array;
  groupGen: Float64Array;
  groupRequests: Float64Array;
  tenantStart: Int32Array;
  tenantCount: Int32Array;
  /** Per tenant row: the gateway's counts for that tenant (any consistent scale). */
  tenantPrompt: Float64Array;
  tenantCached: Float64Array;
  tenantGen: Float64Array;
}

/** Per tenant row: its part of the group's totals. */
export interface TenantSplitOutput {
  prompt: Float64Array;
  cached: Float64Array;
  gen: Float64Array;
  requests: Float64Array;
}

/** A step function: value[i] holds from timeS[i] until timeS[i+1]; value[0] also before timeS[0]. */
export interface StepSeries {
  timeS: Float64Array;
  value: Float64Array;
}

/** Sums over any set of lines, input to the derived figures. */
export interface Aggregates {
  prompt: Float64Array;
  cached: Float64Array;
  gen: Float64Array;
  requests: Float64Array;
  facilityEnergyJ: Float64Array;
  /** Facility energy of `usage` lines only (attributed by tokens). */
  usageFacilityEnergyJ: Float64Array;
  effectiveCost: Float64Array;
  carbonG: Float64Array;
}

/** Derived figures per aggregate row; NaN where the denominator is zero. */
export interface Derived {
  joulesPerToken: Float64Array;
  tokensPerKwh: Float64Array;
  tokensPerSecondPerMw: Float64Array;
  costPerMillionTokens: Float64Array;
  carbonGPerThousandRequests: Float64Array;
  directAllocation: Float64Array;
  cacheLeverage: Float64Array;
}

/** What both kernel implementations offer. Calls are synchronous and allocation-light. */
export interface Kernel {
  integrate(input: Stage1Input): Stage1Output;
  attribute(input: Stage2Input): Stage2Output;
  splitTenants(input: TenantSplitInput): TenantSplitOutput;
  /** Time-weighted mean of a step series over windows [start, start + lengthS). */
  stepMean(series: StepSeries, startS: Float64Array, lengthS: number): Float64Array;
  derive(aggregates: Aggregates): Derived;
}
