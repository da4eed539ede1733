/** Invariants of the tenant split, stepMean and the derived figures, against every kernel. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TenantSplitInput } from "../../kernel/src/types.js";
import { DAY0_S, permutationKeysArb, permute } from "../helpers/kernel-arbitraries.js";
import { availableKernels, close, copyTenantSplit } from "../helpers/kernel-impls.js";

const RUNS = { numRuns: 300 };
const count = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e6, noNaN: true }));

interface Group {
  totals: [number, number, number, number];
  tenants: Array<[number, number, number]>;
}

const groupArb: fc.Arbitrary<Group> = fc.record({
  totals: fc.tuple(count, count, count, count),
  tenants: fc.array(fc.tuple(count, count, count), { minLength: 1, maxLength: 4 }),
});

function splitInput(groups: Group[], alpha = 0.25, beta = 0.025): TenantSplitInput {
  const starts: number[] = [];
  let n = 0;
  for (const g of groups) {
    starts.push(n);
    n += g.tenants.length;
  }
  const rows = groups.flatMap((g) => g.tenants);
  return {
    promptWeight: alpha,
    cachedWeight: beta,
    groupPrompt: Float64Array.from(groups, (g) => g.totals[0]),
    groupCached: Float64Array.from(groups, (g) => g.totals[1]),
    groupGen: Float64Array.from(groups, (g) => g.totals[2]),
    groupRequests: Float64Array.from(groups, (g) => g.totals[3]),
    tenantStart: Int32Array.from(starts),
    tenantCount: Int32Array.from(groups, (g) => g.tenants.length),
    tenantPrompt: Float64Array.from(rows, (r) => r[0]),
    tenantCached: Float64Array.from(rows, (r) => r[1]),
    tenantGen: Float64Array.from(rows, (r) => r[2]),
  };
}

const stepSeriesArb = fc
  .array(
    fc.tuple(
      fc.integer({ min: -1e4, max: 1e4 }).map((t) => DAY0_S + t),
      fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 10, noNaN: true })),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((pts) => {
    const sorted = [...pts].sort((a, b) => a[0] - b[0]);
    return {
      timeS: Float64Array.from(sorted, (p) => p[0]),
      value: Float64Array.from(sorted, (p) => p[1]),
    };
  });

const kernels = await availableKernels();

describe.each(kernels)("tenant split invariants ($name)", ({ kernel }) => {
  it("conserves every count of a workload and never outputs NaN or a negative", () => {
    fc.assert(
      fc.property(fc.array(groupArb, { minLength: 1, maxLength: 4 }), (groups) => {
        const input = splitInput(groups);
        const out = kernel.splitTenants(input);
        const cols = [out.prompt, out.cached, out.gen, out.requests];
        groups.forEach((g, gi) => {
          cols.forEach((col, c) => {
            let sum = 0;
            for (let t = 0; t < g.tenants.length; t++) {
              const v = col[input.tenantStart[gi] + t];
              expect(Number.isFinite(v) && v >= 0).toBe(true);
              sum += v;
            }
            expect(close(sum, g.totals[c]), `group ${gi} column ${c}`).toBe(true);
          });
        });
      }),
      RUNS,
    );
  });

  it("does not depend on the order of tenants (when the gateway saw any tokens)", () => {
    fc.assert(
      fc.property(groupArb, permutationKeysArb, (g, keys) => {
        const a = copyTenantSplit(kernel.splitTenants(splitInput([g])));
        const order = permute(
          g.tenants.map((_, i) => i),
          keys,
        );
        const b = kernel.splitTenants(
          splitInput([{ ...g, tenants: order.map((i) => g.tenants[i]) }]),
        );
        const seen = g.tenants.some(([p, c, gen]) => gen > 0 || p > c || c > 0);
        if (!seen) return;
        order.forEach((from, to) => {
          expect(close(b.prompt[to], a.prompt[from])).toBe(true);
          expect(close(b.gen[to], a.gen[from])).toBe(true);
          expect(close(b.requests[to], a.requests[from])).toBe(true);
        });
      }),
      RUNS,
    );
  });
});

describe.each(kernels)("stepMean invariants ($name)", ({ kernel }) => {
  it("lies between the smallest and largest step and is additive over halves", () => {
    // Whole seconds, as windows and tariff boundaries are: overlaps are then exact.
    const start = fc.integer({ min: -2e4, max: 2e4 }).map((t) => DAY0_S + t);
    const length = fc.integer({ min: 1, max: 5000 }).map((n) => 2 * n);
    fc.assert(
      fc.property(stepSeriesArb, start, length, (series, s, len) => {
        const whole = kernel.stepMean(series, Float64Array.of(s), len)[0];
        const halves = kernel.stepMean(series, Float64Array.of(s, s + len / 2), len / 2).slice();
        const lo = Math.min(...series.value);
        const hi = Math.max(...series.value);
        expect(whole).toBeGreaterThanOrEqual(lo - hi * 1e-9);
        expect(whole).toBeLessThanOrEqual(hi * (1 + 1e-9));
        expect(close(whole, (halves[0] + halves[1]) / 2, 1e-9, 1e-9)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe.each(kernels)("derived figures invariants ($name)", ({ kernel }) => {
  it("are NaN exactly where the denominator is zero, else finite and non-negative", () => {
    const row = fc.record({
      prompt: count,
      cached: count,
      gen: count,
      requests: count,
      facility: count,
      usageFrac: fc.double({ min: 0, max: 1, noNaN: true }),
      cost: count,
      carbon: count,
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        const f = (get: (r: (typeof rows)[number]) => number) => Float64Array.from(rows, get);
        const d = kernel.derive({
          prompt: f((r) => r.prompt),
          cached: f((r) => r.cached),
          gen: f((r) => r.gen),
          requests: f((r) => r.requests),
          facilityEnergyJ: f((r) => r.facility),
          usageFacilityEnergyJ: f((r) => r.facility * r.usageFrac),
          effectiveCost: f((r) => r.cost),
          carbonG: f((r) => r.carbon),
        });
        rows.forEach((r, i) => {
          const tokens = r.prompt + r.gen;
          const check = (v: number, denominator: number, what: string) => {
            if (denominator === 0) expect(Number.isNaN(v), what).toBe(true);
            else expect(Number.isFinite(v) && v >= 0, `${what} = ${v}`).toBe(true);
          };
          check(d.joulesPerToken[i], tokens, "J/token");
          check(d.tokensPerKwh[i], r.facility, "tokens/kWh");
          check(d.tokensPerSecondPerMw[i], r.facility, "tokens/s/MW");
          check(d.costPerMillionTokens[i], tokens, "CPM");
          check(d.carbonGPerThousandRequests[i], r.requests, "g/1k requests");
          check(d.directAllocation[i], r.facility, "direct allocation");
          check(d.cacheLeverage[i], r.prompt, "cache leverage");
          if (tokens > 0 && r.facility > 0) {
            expect(close(d.joulesPerToken[i] * d.tokensPerKwh[i], 3.6e6)).toBe(true);
          }
        });
      }),
      RUNS,
    );
  });
});
