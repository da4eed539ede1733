/**
 * WASM kernel vs the plain-TypeScript reference on thousands of random inputs: every
 * output equal within 1e-9 relative (1e-9 absolute near zero). Needs build/kernel.wasm
 * (`npm run build:kernel`; `npm ci` builds it).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceKernel } from "../../kernel/src/reference.js";
import { LINE_F64_COLUMNS } from "../../kernel/src/types.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { expectClose } from "./helpers/close.js";
import { stage1Input } from "./helpers/gen-stage1.js";
import { stage2Input } from "./helpers/gen-stage2.js";

const wasm = loadWasmKernel();
const ref = referenceKernel;

describe("WASM kernel parity with the reference", () => {
  it("integrate: counters, resets, gaps, bad samples, misaligned scrapes", () => {
    fc.assert(
      fc.property(stage1Input, (input) => {
        const got = wasm.integrate(input);
        const want = ref.integrate(input);
        expect(Array.from(got.rejected)).toEqual(Array.from(want.rejected));
        expectClose("amount", got.amount, want.amount);
        expectClose("coveredS", got.coveredS, want.coveredS);
      }),
      { numRuns: 3000 },
    );
  });

  it("attribute: several workloads per GPU, zero tokens, both idle policies", () => {
    fc.assert(
      fc.property(stage2Input, (input) => {
        const got = wasm.attribute(input);
        const want = ref.attribute(input);
        expect(got.count).toBe(want.count);
        expect(Array.from(got.reading)).toEqual(Array.from(want.reading.subarray(0, want.count)));
        expect(Array.from(got.workload)).toEqual(Array.from(want.workload.subarray(0, want.count)));
        expect(Array.from(got.tenant)).toEqual(Array.from(want.tenant.subarray(0, want.count)));
        expect(Array.from(got.kind)).toEqual(Array.from(want.kind.subarray(0, want.count)));
        for (const col of LINE_F64_COLUMNS) expectClose(col, got[col], want[col], want.count);
      }),
      { numRuns: 3000 },
    );
  });

  it("splitTenants: zero, negative and non-finite gateway counts", () => {
    const count = fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: 1e5, noNaN: true }),
      fc.constantFrom(-5, Number.NaN, Number.POSITIVE_INFINITY),
    );
    const group = fc.record({
      totals: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), {
        minLength: 4,
        maxLength: 4,
      }),
      tenants: fc.array(fc.tuple(count, count, count), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(group, { maxLength: 5 }),
        fc.constantFrom(0, 0.25),
        fc.constantFrom(0, 0.025),
        (groups, promptWeight, cachedWeight) => {
          const tenants = groups.flatMap((g) => g.tenants);
          let start = 0;
          const input = {
            promptWeight,
            cachedWeight,
            groupPrompt: Float64Array.from(groups, (g) => g.totals[0]),
            groupCached: Float64Array.from(groups, (g) => g.totals[1]),
            groupGen: Float64Array.from(groups, (g) => g.totals[2]),
            groupRequests: Float64Array.from(groups, (g) => g.totals[3]),
            tenantStart: Int32Array.from(groups, (g) => {
              const s = start;
              start += g.tenants.length;
              return s;
            }),
            tenantCount: Int32Array.from(groups, (g) => g.tenants.length),
            tenantPrompt: Float64Array.from(tenants, (t) => t[0]),
            tenantCached: Float64Array.from(tenants, (t) => t[1]),
            tenantGen: Float64Array.from(tenants, (t) => t[2]),
          };
          const got = wasm.splitTenants(input);
          const want = ref.splitTenants(input);
          for (const k of ["prompt", "cached", "gen", "requests"] as const) {
            expectClose(k, got[k], want[k]);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("stepMean: time-of-use boundaries inside windows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -400, max: 400 }), fc.double({ min: 0, max: 1 })), {
          maxLength: 8,
        }),
        fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 6 }),
        fc.constantFrom(0, 60, 300, -1),
        (steps, starts, lengthS) => {
          const sorted = [...steps].sort((a, b) => a[0] - b[0]);
          const base = 1_700_000_000;
          const series = {
            timeS: Float64Array.from(sorted, (s) => base + s[0] * 0.5),
            value: Float64Array.from(sorted, (s) => s[1] * 0.3),
          };
          const startS = Float64Array.from(starts, (s) => base + s);
          expectClose(
            "stepMean",
            wasm.stepMean(series, startS, lengthS),
            ref.stepMean(series, startS, lengthS),
          );
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("derive: zero denominators give NaN on both sides", () => {
    const x = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(fc.array(x, { minLength: 8, maxLength: 8 }), { maxLength: 6 }),
        (rows) => {
          const col = (i: number) => Float64Array.from(rows, (r) => r[i]);
          const agg = {
            prompt: col(0),
            cached: col(1),
            gen: col(2),
            requests: col(3),
            facilityEnergyJ: col(4),
            usageFacilityEnergyJ: col(5),
            effectiveCost: col(6),
            carbonG: col(7),
          };
          const got = wasm.derive(agg);
          const want = ref.derive(agg);
          for (const k of Object.keys(want) as (keyof typeof want)[]) {
            expectClose(k, got[k], want[k]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
