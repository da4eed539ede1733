/**
 * The usage line: one per window × GPU × workload × tenant × kind. Field names and meanings
 * are the stable contract of ../shared/spec/usage-line.md (add, never rename). FOCUS names
 * keep their FOCUS meaning; the rest carry the `x_` prefix.
 */
export interface UsageLine {
  /** Window start, `YYYY-MM-DDTHH:mm:ssZ`. */
  ChargePeriodStart: string;
  /** Window end (exclusive), same format. */
  ChargePeriodEnd: string;
  x_AgentId: string;
  /** GPU UUID, NVML form `GPU-…`. */
  ResourceId: string;
  x_GpuModel: string;
  /** `""` on the idle line of an unassigned GPU. */
  x_Workload: string;
  /** Tenant. */
  SubAccountId: string;
  x_LineKind: "usage" | "idle";
  RegionId: string;
  AvailabilityZone: string;
  x_Rack: string;
  x_Lane: Lane;
  x_SovereigntyZone: string;
  x_GpuEnergyJ: number;
  x_IdleEnergyJ: number;
  x_HostEnergyJ: number;
  x_FacilityEnergyJ: number;
  x_GpuSeconds: number;
  x_PromptTokens: number;
  x_CachedTokens: number;
  x_GenerationTokens: number;
  x_Requests: number;
  x_Coverage: number;
  BillingCurrency: string;
  x_EnergyCost: number;
  x_GpuTimeCost: number;
  ListCost: number;
  EffectiveCost: number;
  x_CarbonG: number;
  x_PriceVersion: string;
  /**
   * The served model (the workload's `model`, or the model label its token source reported),
   * when known. An addition to the spec's fields; absent or "" means unknown.
   */
  x_Model?: string;
}

export const LANES = ["public", "reserved", "regional", "colocated", "sovereign"] as const;
export type Lane = (typeof LANES)[number];

/** The natural key's fields, in key order: the collector stores each key once. */
export const NATURAL_KEY = [
  "x_AgentId",
  "ChargePeriodStart",
  "ResourceId",
  "x_Workload",
  "SubAccountId",
  "x_LineKind",
  "x_PriceVersion",
] as const satisfies readonly (keyof UsageLine)[];

export function naturalKey(line: UsageLine): string {
  return NATURAL_KEY.map((k) => line[k]).join("\u0000");
}

/** `YYYY-MM-DDTHH:mm:ssZ` for epoch seconds (whole seconds, UTC). */
export function formatUtcSeconds(epochS: number): string {
  return new Date(Math.round(epochS) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
