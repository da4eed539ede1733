/** Tenant split of the reference kernel (docs/metering-model.md, "Tenant split"). */
import type { TenantSplitInput, TenantSplitOutput } from "../types.js";
import { checkTenantSplit } from "./checks.js";
import { weightedTokens } from "./weights.js";

export function splitTenants(input: TenantSplitInput): TenantSplitOutput {
  checkTenantSplit(input);
  const nTenants = input.tenantPrompt.length;
  const out: TenantSplitOutput = {
    prompt: new Float64Array(nTenants),
    cached: new Float64Array(nTenants),
    gen: new Float64Array(nTenants),
    requests: new Float64Array(nTenants),
  };
  for (let g = 0; g < input.groupPrompt.length; g++) {
    const first = input.tenantStart[g];
    const count = input.tenantCount[g];
    const weights: number[] = [];
    for (let t = first; t < first + count; t++) weights.push(tenantWeight(input, t));
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < count; i++) {
      // Nobody seen at the gateway: the first row (the workload's default tenant) takes all.
      const share = total > 0 ? weights[i] / total : i === 0 ? 1 : 0;
      const t = first + i;
      out.prompt[t] = input.groupPrompt[g] * share;
      out.cached[t] = input.groupCached[g] * share;
      out.gen[t] = input.groupGen[g] * share;
      out.requests[t] = input.groupRequests[g] * share;
    }
  }
  return out;
}

/** A gateway count that is negative or not finite counts as 0. */
function tenantWeight(input: TenantSplitInput, t: number): number {
  const clean = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);
  return weightedTokens(
    clean(input.tenantPrompt[t]),
    clean(input.tenantCached[t]),
    clean(input.tenantGen[t]),
    input.promptWeight,
    input.cachedWeight,
  );
}
