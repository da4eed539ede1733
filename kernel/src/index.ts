/** Public entry of the metering kernel: the contract, both implementations, and host helpers. */

export {
  builtInIdleW,
  IDLE_TABLE,
  type IdleEntry,
  idleEntry,
  normaliseModel,
} from "./idle-table.js";
export {
  LineLabelError,
  type LineLabels,
  type SiteLabels,
  toUsageLines,
  usageLineAt,
  usageLinesNdjson,
} from "./lines.js";
export {
  expandSchedule,
  flatSeries,
  PriceScheduleError,
  type ScheduleIssue,
  type TouEntry,
  validateSchedule,
} from "./prices.js";
export { KernelInputError, referenceKernel } from "./reference.js";
export * from "./types.js";
export * from "./usage-line.js";
export { loadWasmKernel } from "./wasm-kernel.js";
