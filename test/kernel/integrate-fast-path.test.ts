/**
 * The WASM stage-1 fast path (8-sample SIMD blocks checked once per window segment, with
 * an exact scalar replay when a check fails) against the reference, on long, mostly clean
 * series like real scrapes: every defect lands inside a block, at a block's or window's
 * edge, or next to a limit (cap, rate ceiling, maxGap) where the high-word tests must
 * defer to the scalar step. Needs build/kernel.wasm.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceKernel } from "../../kernel/src/reference.js";
import { SeriesMode, type Stage1Input } from "../../kernel/src/types.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { expectClose } from "./helpers/close.js";

const S = 1_700_000_040;

const defect = fc.constantFrom(
  "nan",
  "inf",
  "neg",
  "negZero",
  "sentinel",
  "back",
  "same",
  "nanTime",
  "infTime",
  "gap",
  "atGap",
  "reset",
  "atCap",
  "overCap",
  "spike",
  "flat",
);

const series = fc.record({
  mode: fc.constantFrom(SeriesMode.Power, SeriesMode.Counter, SeriesMode.CounterNoGap),
  ceiling: fc.constantFrom(1000, 600, Number.POSITIVE_INFINITY, 0, Number.NaN),
  n: fc.integer({ min: 0, max: 400 }),
  stepS: fc.constantFrom(1, 0.5, 1.0001, 2, 7),
  start: fc.double({ min: -30, max: 90, noNaN: true }),
  defects: fc.array(fc.tuple(fc.nat(399), defect), { maxLength: 6 }),
  seed: fc.nat(),
});

const input = fc
  .record({
    windowS: fc.constantFrom(60, 10, 3),
    nWindows: fc.integer({ min: 1, max: 12 }),
    maxGapS: fc.constantFrom(15, 1.5, 0, Number.POSITIVE_INFINITY),
    list: fc.array(series, { minLength: 1, maxLength: 4 }),
  })
  .map(({ windowS, nWindows, maxGapS, list }): Stage1Input => {
    const T: number[] = [];
    const V: number[] = [];
    const offsets = [0];
    for (const s of list) {
      let x = s.seed | 1;
      const r = () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return (x >>> 0) / 4294967296;
      };
      const bad = new Map(s.defects);
      let t = S + s.start;
      let p = 500;
      let c = 1e6;
      for (let j = 0; j < s.n; j++) {
        t += s.stepS * (0.95 + 0.1 * r());
        p = Math.min(950, Math.max(50, p + (r() - 0.5) * 40));
        c += s.mode === SeriesMode.Power ? 0 : p * s.stepS;
        let time = t;
        let v = s.mode === SeriesMode.Power ? p : c;
        switch (bad.get(j)) {
          case "nan":
            v = Number.NaN;
            break;
          case "inf":
            v = Number.POSITIVE_INFINITY;
            break;
          case "neg":
            v = -3;
            break;
          case "negZero":
            v = -0;
            break;
          case "sentinel":
            v = 9.2e18;
            break;
          case "back":
            time = t - 5;
            break;
          case "same":
            time = T[T.length - 1] ?? t;
            break;
          case "nanTime":
            time = Number.NaN;
            break;
          case "infTime":
            time = Number.POSITIVE_INFINITY;
            break;
          case "gap":
            t += 40;
            time = t;
            break;
          case "atGap":
            t = (T[T.length - 1] ?? t) + maxGapS;
            time = t;
            break;
          case "reset":
            c = 10 * r();
            v = s.mode === SeriesMode.Power ? 0 : c;
            break;
          case "atCap":
            v = s.mode === SeriesMode.Power ? s.ceiling : v;
            break;
          case "overCap":
            v = s.mode === SeriesMode.Power ? s.ceiling * (1 + 1e-15) : v;
            break;
          case "spike":
            if (s.mode === SeriesMode.Power) v = 1e5;
            else c = v = c + 1e7;
            break;
          case "flat":
            if (s.mode !== SeriesMode.Power) v = c = V[V.length - 1] ?? c;
            break;
        }
        T.push(time);
        V.push(v);
      }
      offsets.push(T.length);
    }
    return {
      offsets: Int32Array.from(offsets),
      timeS: Float64Array.from(T),
      value: Float64Array.from(V),
      mode: Uint8Array.from(list.map((s) => s.mode)),
      ceiling: Float64Array.from(list.map((s) => s.ceiling)),
      windowStartS: S,
      windowS,
      nWindows,
      maxGapS,
    };
  });

describe("WASM stage-1 fast path", () => {
  const wasm = loadWasmKernel();
  it("matches the reference on long scrapes with sparse defects", () => {
    fc.assert(
      fc.property(input, (x) => {
        const got = wasm.integrate(x);
        const want = referenceKernel.integrate(x);
        expect(Array.from(got.rejected)).toEqual(Array.from(want.rejected));
        expectClose("amount", got.amount, want.amount);
        expectClose("coveredS", got.coveredS, want.coveredS);
      }),
      { numRuns: 1500 },
    );
  });
});
