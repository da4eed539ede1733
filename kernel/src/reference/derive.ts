/** Derived figures of the reference kernel (docs/metering-model.md, "Derived figures"). */
import type { Aggregates, Derived } from "../types.js";

const J_PER_KWH = 3.6e6;

/** a / b, NaN when b is zero (a figure without a denominator is not a number, not infinity). */
function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

export function derive(agg: Aggregates): Derived {
  const n = agg.facilityEnergyJ.length;
  const d: Derived = {
    joulesPerToken: new Float64Array(n),
    tokensPerKwh: new Float64Array(n),
    tokensPerSecondPerMw: new Float64Array(n),
    costPerMillionTokens: new Float64Array(n),
    carbonGPerThousandRequests: new Float64Array(n),
    directAllocation: new Float64Array(n),
    cacheLeverage: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const tokens = agg.prompt[i] + agg.gen[i];
    const facilityJ = agg.facilityEnergyJ[i];
    d.joulesPerToken[i] = ratio(facilityJ, tokens);
    d.tokensPerKwh[i] = ratio(tokens, facilityJ / J_PER_KWH);
    // (tokens / s) / (J / s / 1e6): the window length cancels.
    d.tokensPerSecondPerMw[i] = ratio(tokens * 1e6, facilityJ);
    d.costPerMillionTokens[i] = ratio(agg.effectiveCost[i] * 1e6, tokens);
    d.carbonGPerThousandRequests[i] = ratio(agg.carbonG[i] * 1000, agg.requests[i]);
    d.directAllocation[i] = ratio(agg.usageFacilityEnergyJ[i], facilityJ);
    d.cacheLeverage[i] = ratio(agg.cached[i], agg.prompt[i]);
  }
  return d;
}
