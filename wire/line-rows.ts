/** Line columns → usage-line objects (for callers that want rows, such as the NDJSON tools). */
import type { Lane, UsageLine } from "../kernel/src/usage-line.js";
import type { LineColumnData } from "./line-columns.js";
import { formatUtcSeconds } from "./utc-seconds.js";

/**
 * Time text by epoch second. A batch repeats a few window bounds on every line, so each
 * distinct second is formatted once.
 */
export class TimeTexts {
  private readonly texts = new Map<number, string>();

  text(epochS: number): string {
    let s = this.texts.get(epochS);
    if (s === undefined) {
      s = formatUtcSeconds(epochS);
      this.texts.set(epochS, s);
    }
    return s;
  }
}

/** Row `i` of `cols` as a usage line. */
export function lineAt(cols: LineColumnData, i: number, times: TimeTexts): UsageLine {
  const { text: t, numbers: v, startS, lengthS } = cols;
  // Spec field order, so NDJSON of decoded lines reads like the agent's.
  return {
    ChargePeriodStart: times.text(startS[i]),
    ChargePeriodEnd: times.text(startS[i] + lengthS[i]),
    x_AgentId: t.x_AgentId[i],
    ResourceId: t.ResourceId[i],
    x_GpuModel: t.x_GpuModel[i],
    x_Workload: t.x_Workload[i],
    SubAccountId: t.SubAccountId[i],
    x_LineKind: t.x_LineKind[i] as UsageLine["x_LineKind"],
    RegionId: t.RegionId[i],
    AvailabilityZone: t.AvailabilityZone[i],
    x_Rack: t.x_Rack[i],
    x_Lane: t.x_Lane[i] as Lane,
    x_SovereigntyZone: t.x_SovereigntyZone[i],
    x_GpuEnergyJ: v.x_GpuEnergyJ[i],
    x_IdleEnergyJ: v.x_IdleEnergyJ[i],
    x_HostEnergyJ: v.x_HostEnergyJ[i],
    x_FacilityEnergyJ: v.x_FacilityEnergyJ[i],
    x_GpuSeconds: v.x_GpuSeconds[i],
    x_PromptTokens: v.x_PromptTokens[i],
    x_CachedTokens: v.x_CachedTokens[i],
    x_GenerationTokens: v.x_GenerationTokens[i],
    x_Requests: v.x_Requests[i],
    x_Coverage: v.x_Coverage[i],
    BillingCurrency: t.BillingCurrency[i],
    x_EnergyCost: v.x_EnergyCost[i],
    x_GpuTimeCost: v.x_GpuTimeCost[i],
    ListCost: v.ListCost[i],
    EffectiveCost: v.EffectiveCost[i],
    x_CarbonG: v.x_CarbonG[i],
    x_PriceVersion: t.x_PriceVersion[i],
    ...(t.x_Model[i] === "" ? {} : { x_Model: t.x_Model[i] }),
  };
}

/** The rows of `cols` as usage lines; with `keep`, only rows whose flag is 1. */
export function linesFromColumns(
  cols: LineColumnData,
  keep?: Uint8Array,
  times: TimeTexts = new TimeTexts(),
): UsageLine[] {
  const out: UsageLine[] = [];
  for (let i = 0; i < cols.count; i++) {
    if (keep === undefined || keep[i] === 1) out.push(lineAt(cols, i, times));
  }
  return out;
}
