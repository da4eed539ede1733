// Tenant split (docs/metering-model.md, "Tenant split").
//
// Layout: per group g: groupPrompt/Cached/Gen/Requests f64, tenantStart/Count i32;
// per tenant row: tenantPrompt/Cached/Gen f64 in, outPrompt/Cached/Gen/Requests f64 out.
// Rows that belong to no group come out 0.

import { Status } from "./constants";
import { fits } from "./memory";

@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

export function splitTenants(
  promptWeight: f64,
  cachedWeight: f64,
  nGroups: i32,
  groupPrompt: usize,
  groupCached: usize,
  groupGen: usize,
  groupRequests: usize,
  tenantStart: usize,
  tenantCount: usize,
  nTenants: i32,
  tenantPrompt: usize,
  tenantCached: usize,
  tenantGen: usize,
  outPrompt: usize,
  outCached: usize,
  outGen: usize,
  outRequests: usize,
): i32 {
  if (nGroups < 0 || nTenants < 0) return Status.BadShape;
  if (!isFinite(promptWeight) || !isFinite(cachedWeight)) return Status.BadShape;
  const g8 = <usize>nGroups << 3;
  const t8 = <usize>nTenants << 3;
  if (
    !fits(groupPrompt, g8) ||
    !fits(groupCached, g8) ||
    !fits(groupGen, g8) ||
    !fits(groupRequests, g8) ||
    !fits(tenantStart, <usize>nGroups << 2) ||
    !fits(tenantCount, <usize>nGroups << 2) ||
    !fits(tenantPrompt, t8) ||
    !fits(tenantCached, t8) ||
    !fits(tenantGen, t8) ||
    !fits(outPrompt, t8) ||
    !fits(outCached, t8) ||
    !fits(outGen, t8) ||
    !fits(outRequests, t8)
  ) {
    return Status.OutOfBounds;
  }
  for (let g = 0; g < nGroups; g++) {
    const st = load<i32>(tenantStart + (<usize>g << 2));
    const n = load<i32>(tenantCount + (<usize>g << 2));
    if (n <= 0 || st < 0 || st > nTenants - n) return Status.BadTenantRange;
  }
  memory.fill(outPrompt, 0, t8);
  memory.fill(outCached, 0, t8);
  memory.fill(outGen, 0, t8);
  memory.fill(outRequests, 0, t8);
  for (let g = 0; g < nGroups; g++) {
    const st = load<i32>(tenantStart + (<usize>g << 2));
    const end = st + load<i32>(tenantCount + (<usize>g << 2));
    let sumW: f64 = 0;
    for (let t = st; t < end; t++) sumW += weight(t, tenantPrompt, tenantCached, tenantGen, promptWeight, cachedWeight);
    const p = f64At(groupPrompt, g);
    const c = f64At(groupCached, g);
    const n = f64At(groupGen, g);
    const q = f64At(groupRequests, g);
    if (sumW > 0) {
      for (let t = st; t < end; t++) {
        const share = weight(t, tenantPrompt, tenantCached, tenantGen, promptWeight, cachedWeight) / sumW;
        const o = <usize>t << 3;
        store<f64>(outPrompt + o, p * share);
        store<f64>(outCached + o, c * share);
        store<f64>(outGen + o, n * share);
        store<f64>(outRequests + o, q * share);
      }
    } else {
      // No gateway tokens: the first row (the workload's default tenant) takes it all.
      const o = <usize>st << 3;
      store<f64>(outPrompt + o, p);
      store<f64>(outCached + o, c);
      store<f64>(outGen + o, n);
      store<f64>(outRequests + o, q);
    }
  }
  return Status.Ok;
}

@inline
function weight(t: i32, prompt: usize, cached: usize, gen: usize, alpha: f64, beta: f64): f64 {
  // A gateway count that is negative or not finite counts as 0.
  const p = clean(f64At(prompt, t));
  const c = clean(f64At(cached, t));
  return clean(f64At(gen, t)) + alpha * max(p - c, 0) + beta * c;
}

@inline
function clean(x: f64): f64 {
  return isFinite(x) && x > 0 ? x : 0;
}
