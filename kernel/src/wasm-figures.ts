/** splitTenants, stepMean and derive over the WASM kernel, with copies in and out. */
import { Status } from "./constants.js";
import { KernelInputError } from "./reference/input-error.js";
import type {
  Aggregates,
  Derived,
  StepSeries,
  TenantSplitInput,
  TenantSplitOutput,
} from "./types.js";
import type { WasmRuntime } from "./wasm-runtime.js";
import { checkStatus } from "./wasm-status.js";

const DERIVED = [
  "joulesPerToken",
  "tokensPerKwh",
  "tokensPerSecondPerMw",
  "costPerMillionTokens",
  "carbonGPerThousandRequests",
  "directAllocation",
  "cacheLeverage",
] as const satisfies readonly (keyof Derived)[];

const AGGREGATES = [
  "prompt",
  "cached",
  "gen",
  "requests",
  "facilityEnergyJ",
  "usageFacilityEnergyJ",
  "effectiveCost",
  "carbonG",
] as const satisfies readonly (keyof Aggregates)[];

/** Places f64 columns, then copies the given ones in; returns their pointers. */
function place(rt: WasmRuntime, cols: (Float64Array | number)[]): number[] {
  const a = rt.arena;
  const ptrs = cols.map((c) => a.alloc((typeof c === "number" ? c : c.length) * 8));
  cols.forEach((c, i) => {
    if (typeof c !== "number") a.f64(ptrs[i], c.length).set(c);
  });
  return ptrs;
}

export function figures(rt: WasmRuntime) {
  const ex = rt.exports;
  const a = rt.arena;
  return {
    splitTenants(input: TenantSplitInput): TenantSplitOutput {
      const nG = input.groupPrompt.length;
      const nT = input.tenantPrompt.length;
      const groups = [input.groupPrompt, input.groupCached, input.groupGen, input.groupRequests];
      const tenants = [input.tenantPrompt, input.tenantCached, input.tenantGen];
      if (
        groups.some((g) => g.length !== nG) ||
        input.tenantStart.length !== nG ||
        input.tenantCount.length !== nG ||
        tenants.some((t) => t.length !== nT)
      ) {
        throw new KernelInputError(Status.BadShape, "columns differ in length", {
          call: "splitTenants",
          field: "groups/tenants",
        });
      }
      a.reset();
      const gp = place(rt, groups);
      const start = a.alloc(nG * 4);
      const count = a.alloc(nG * 4);
      const tp = place(rt, [...tenants, nT, nT, nT, nT]);
      a.i32(start, nG).set(input.tenantStart);
      a.i32(count, nG).set(input.tenantCount);
      const status = ex.splitTenants(
        input.promptWeight,
        input.cachedWeight,
        nG,
        ...gp,
        start,
        count,
        nT,
        ...tp,
      );
      checkStatus(status, "splitTenants", "input");
      const col = (i: number) => a.f64(tp[3 + i], nT).slice();
      return { prompt: col(0), cached: col(1), gen: col(2), requests: col(3) };
    },

    stepMean(series: StepSeries, startS: Float64Array, lengthS: number): Float64Array {
      const n = series.timeS.length;
      if (series.value.length !== n) {
        throw new KernelInputError(Status.BadShape, "timeS and value differ in length", {
          call: "stepMean",
          field: "series",
        });
      }
      a.reset();
      const [t, v, s, out] = place(rt, [series.timeS, series.value, startS, startS.length]);
      checkStatus(ex.stepMean(t, v, n, s, startS.length, lengthS, out), "stepMean", "input");
      return a.f64(out, startS.length).slice();
    },

    derive(agg: Aggregates): Derived {
      const n = agg.facilityEnergyJ.length;
      if (AGGREGATES.some((k) => agg[k].length !== n)) {
        throw new KernelInputError(Status.BadShape, "columns differ in length", {
          call: "derive",
          field: "aggregates",
        });
      }
      a.reset();
      const ptrs = place(rt, [...AGGREGATES.map((k) => agg[k]), ...DERIVED.map(() => n)]);
      checkStatus(ex.derive(n, ...ptrs), "derive", "input");
      const out = {} as Derived;
      DERIVED.forEach((k, i) => {
        out[k] = a.f64(ptrs[AGGREGATES.length + i], n).slice();
      });
      return out;
    },
  };
}
