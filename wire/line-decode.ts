/** The columnar LineBlock → usage lines; predicted rows are recomputed (line-predictors.ts). */
import { LANES, type Lane, type UsageLine } from "../kernel/src/usage-line.js";
import { WireError } from "./errors.js";
import { stepUlps } from "./float-bits.js";
import { LINE_NUMBER_COLUMNS, LINE_STRING_COLUMNS, type LineNumberField } from "./line-columns.js";
import {
  FRACTION_BIAS,
  FRACTION_COLUMNS,
  findTokens,
  fractionBases,
  J_PER_KWH,
  type ReadingIndex,
  S_PER_HOUR,
  TOKEN_COLUMNS,
} from "./line-predictors.js";
import { readNumberColumn } from "./number-column.js";
import type { tokenwatt } from "./proto.js";
import { lookupStrings } from "./string-table.js";
import { formatUtcSeconds } from "./utc-seconds.js";

type LineBlock = tokenwatt.v1.LineBlock.$Properties;
type Predict = (row: number, variant: number, factors: readonly number[]) => number;

const LANE_SET: ReadonlySet<string> = new Set(LANES);

export function decodeLines(
  block: LineBlock | null | undefined,
  table: readonly string[],
  baseS: number,
  readings: ReadingIndex,
): UsageLine[] | WireError {
  const n = block?.count ?? 0;
  if (n === 0) return [];
  const b = block!;
  const bad = (what: string, row?: number) =>
    new WireError("TW_ERR_WIRE_DECODE", `line block: ${what}`, row === undefined ? {} : { row });
  const strs = {} as Record<(typeof LINE_STRING_COLUMNS)[number][0], string[]>;
  for (const [field, key] of LINE_STRING_COLUMNS) {
    const col = lookupStrings(table, b[key], n);
    if (!col) return bad(`string column ${key}`);
    strs[field] = col;
  }
  const startDelta = b.startDeltaS ?? [];
  const lengthS = b.lengthS ?? [];
  const ulps = b.fractionUlps ?? new Uint8Array(0);
  if (startDelta.length !== n || lengthS.length !== n || ulps.length !== n) {
    return bad("time or fraction column length");
  }
  const v = {} as Record<LineNumberField, Float64Array>;
  for (const [field] of LINE_NUMBER_COLUMNS) v[field] = new Float64Array(n);
  const reading = (row: number) => readings.get(baseS + startDelta[row], strs.ResourceId[row]);
  const fraction = (row: number) =>
    stepUlps(v.x_GpuSeconds[row] / lengthS[row], ulps[row] - FRACTION_BIAS);
  const predictors: Partial<Record<LineNumberField, Predict>> = {
    x_EnergyCost: (row, k, f) => (v.x_FacilityEnergyJ[row] / J_PER_KWH) * f[k],
    x_GpuTimeCost: (row, k, f) => (v.x_GpuSeconds[row] / S_PER_HOUR) * f[k],
    ListCost: (row) => v.x_EnergyCost[row] + v.x_GpuTimeCost[row],
    EffectiveCost: (row, k, f) => v.ListCost[row] * f[k],
  };
  FRACTION_COLUMNS.forEach((field, c) => {
    predictors[field] = (row) => {
      const r = reading(row);
      return r === undefined || ulps[row] === 0 ? Number.NaN : fraction(row) * fractionBases(r)[c];
    };
  });
  for (const [field, key] of TOKEN_COLUMNS) {
    predictors[field] = (row) =>
      findTokens(reading(row), strs.x_Workload[row], strs.SubAccountId[row])?.[key] ?? Number.NaN;
  }
  for (const [field, key] of LINE_NUMBER_COLUMNS) {
    if (!readNumberColumn(b[key], n, predictors[field], v[field])) return bad(`column ${key}`);
  }
  const out = new Array<UsageLine>(n);
  for (let i = 0; i < n; i++) {
    const kind = strs.x_LineKind[i];
    const lane = strs.x_Lane[i];
    if (kind !== "usage" && kind !== "idle") return bad(`line kind "${kind}"`, i);
    if (!LANE_SET.has(lane)) return bad(`lane "${lane}"`, i);
    const start = baseS + startDelta[i];
    // Spec field order, so NDJSON of decoded lines reads like the agent's.
    out[i] = {
      ChargePeriodStart: formatUtcSeconds(start),
      ChargePeriodEnd: formatUtcSeconds(start + lengthS[i]),
      x_AgentId: strs.x_AgentId[i],
      ResourceId: strs.ResourceId[i],
      x_GpuModel: strs.x_GpuModel[i],
      x_Workload: strs.x_Workload[i],
      SubAccountId: strs.SubAccountId[i],
      x_LineKind: kind,
      RegionId: strs.RegionId[i],
      AvailabilityZone: strs.AvailabilityZone[i],
      x_Rack: strs.x_Rack[i],
      x_Lane: lane as Lane,
      x_SovereigntyZone: strs.x_SovereigntyZone[i],
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
      BillingCurrency: strs.BillingCurrency[i],
      x_EnergyCost: v.x_EnergyCost[i],
      x_GpuTimeCost: v.x_GpuTimeCost[i],
      ListCost: v.ListCost[i],
      EffectiveCost: v.EffectiveCost[i],
      x_CarbonG: v.x_CarbonG[i],
      x_PriceVersion: strs.x_PriceVersion[i],
    };
  }
  return out;
}
