/**
 * What a valid usage line is, field by field (shared/spec/usage-line.md): the collector refuses
 * a line that breaks any rule, with a stable reason code, and stores the valid ones.
 * Tolerances: sums the kernel computes in floating point may overshoot by rounding, so
 * "a ≤ b" rules allow 1e-9 relative.
 */
import { LANES, type UsageLine } from "../../kernel/src/usage-line.js";

/** Stable reason codes, the `reason` label of tokenwatt_collector_lines_rejected_total. */
export type LineRejectReason =
  | "agent_mismatch"
  | "tenant_not_allowed"
  | "missing_field"
  | "string_too_long"
  | "bad_time"
  | "bad_window"
  | "future_window"
  | "bad_line_kind"
  | "bad_lane"
  | "bad_currency"
  | "not_finite"
  | "negative"
  | "coverage_range"
  | "inconsistent";

/** Numeric fields that must be finite and ≥ 0. */
export const NON_NEGATIVE_FIELDS = [
  "x_GpuEnergyJ",
  "x_IdleEnergyJ",
  "x_HostEnergyJ",
  "x_FacilityEnergyJ",
  "x_GpuSeconds",
  "x_PromptTokens",
  "x_CachedTokens",
  "x_GenerationTokens",
  "x_Requests",
  "x_Coverage",
  "x_EnergyCost",
  "x_GpuTimeCost",
  "ListCost",
  "EffectiveCost",
  "x_CarbonG",
] as const satisfies readonly (keyof UsageLine)[];

export const STRING_FIELDS = [
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "x_AgentId",
  "ResourceId",
  "x_GpuModel",
  "x_Workload",
  "SubAccountId",
  "x_LineKind",
  "RegionId",
  "AvailabilityZone",
  "x_Rack",
  "x_Lane",
  "x_SovereigntyZone",
  "BillingCurrency",
  "x_PriceVersion",
] as const satisfies readonly (keyof UsageLine)[];

/** Must not be empty. */
export const REQUIRED_FIELDS = [
  "x_AgentId",
  "ResourceId",
  "x_LineKind",
  "x_Lane",
  "BillingCurrency",
  "x_PriceVersion",
] as const satisfies readonly (keyof UsageLine)[];

export const LANE_SET: ReadonlySet<string> = new Set(LANES);
export const CURRENCY = /^[A-Z]{3}$/;
export const UTC_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const REL = 1e-9;

/** Epoch seconds of a canonical `YYYY-MM-DDTHH:mm:ssZ` that names a real instant, else undefined. */
export function utcSeconds(s: string): number | undefined {
  const m = UTC_SECONDS.exec(s);
  if (m === null) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  // Date.UTC rolls over (Feb 30 → Mar 2); a real date formats back to itself.
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== s.slice(0, 19)) {
    return undefined;
  }
  return ms / 1000;
}

/** a ≤ b allowing floating-point rounding. */
export function atMost(a: number, b: number): boolean {
  return a <= b + REL * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
