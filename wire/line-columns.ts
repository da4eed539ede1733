/** The LineBlock's string columns: usage-line field → LineBlock field (batch.proto). */
import type { UsageLine } from "../kernel/src/usage-line.js";

export const LINE_STRING_COLUMNS = [
  ["x_AgentId", "agentId"],
  ["ResourceId", "resourceId"],
  ["x_GpuModel", "gpuModel"],
  ["x_Workload", "workload"],
  ["SubAccountId", "subAccountId"],
  ["x_LineKind", "lineKind"],
  ["RegionId", "regionId"],
  ["AvailabilityZone", "availabilityZone"],
  ["x_Rack", "rack"],
  ["x_Lane", "lane"],
  ["x_SovereigntyZone", "sovereigntyZone"],
  ["BillingCurrency", "billingCurrency"],
  ["x_PriceVersion", "priceVersion"],
  ["x_Model", "model"],
] as const satisfies readonly (readonly [keyof UsageLine, string])[];

/** Numeric usage-line field → LineBlock field, in decode order (predictors read earlier columns). */
export const LINE_NUMBER_COLUMNS = [
  ["x_GpuSeconds", "gpuSeconds"],
  ["x_GpuEnergyJ", "gpuEnergyJ"],
  ["x_IdleEnergyJ", "idleEnergyJ"],
  ["x_HostEnergyJ", "hostEnergyJ"],
  ["x_FacilityEnergyJ", "facilityEnergyJ"],
  ["x_PromptTokens", "promptTokens"],
  ["x_CachedTokens", "cachedTokens"],
  ["x_GenerationTokens", "generationTokens"],
  ["x_Requests", "requests"],
  ["x_Coverage", "coverage"],
  ["x_EnergyCost", "energyCost"],
  ["x_GpuTimeCost", "gpuTimeCost"],
  ["ListCost", "listCost"],
  ["EffectiveCost", "effectiveCost"],
  ["x_CarbonG", "carbonG"],
] as const satisfies readonly (readonly [keyof UsageLine, string])[];

export type LineNumberField = (typeof LINE_NUMBER_COLUMNS)[number][0];

export type LineStringField = (typeof LINE_STRING_COLUMNS)[number][0];

/**
 * Usage lines as columns (what decodeBatchColumns returns): row i of every column is line i.
 * Times are epoch seconds, the text form is made only when lines are materialised
 * (line-rows.ts). The collector validates and stores these without building line objects.
 */
export interface LineColumnData {
  count: number;
  /** ChargePeriodStart, UTC epoch seconds. */
  startS: Float64Array;
  /** ChargePeriodEnd − ChargePeriodStart, seconds (≥ 0). */
  lengthS: Float64Array;
  text: Record<LineStringField, string[]>;
  numbers: Record<LineNumberField, Float64Array>;
}
