/**
 * Stage-1 invariants against every available kernel: window additivity, conservation of
 * counts and trapezoid energy, exact rejection counts, series-order independence, linear
 * scaling with power, and no NaN or negative output.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeriesMode, type Stage1Input } from "../../kernel/src/types.js";
import {
  DAY0_S,
  permutationKeysArb,
  permute,
  type SeriesCase,
  stage1CaseArb,
  toStage1Input,
} from "../helpers/kernel-arbitraries.js";
import { availableKernels, close, copyStage1 } from "../helpers/kernel-impls.js";

const RUNS = { numRuns: 300 };

function expectClose(actual: number, expected: number, what: string, rel = 1e-9): void {
  // Energies are compared relative to the magnitude of the series, not of one window.
  expect(close(actual, expected, rel, 1e-9), `${what}: ${actual} vs ${expected}`).toBe(true);
}

/** Kept samples of a clean series, in order: what the kernel integrates. */
function samples(s: SeriesCase): Array<[number, number]> {
  return s.timeS.map((t, i) => [t, s.value[i]]);
}

const kernels = await availableKernels();

describe.each(kernels)("stage 1 invariants ($name)", ({ kernel }) => {
  it("never outputs NaN, infinity or a negative; coverage stays within the window", () => {
    fc.assert(
      fc.property(stage1CaseArb(), ({ input }) => {
        const out = kernel.integrate(input);
        out.amount.forEach((v, i) => {
          expect(Number.isFinite(v) && v >= 0, `amount[${i}] = ${v}`).toBe(true);
        });
        out.coveredS.forEach((v, i) => {
          expect(v >= 0 && v <= input.windowS * (1 + 1e-12), `coveredS[${i}] = ${v}`).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it("counts exactly the invalid samples as rejected", () => {
    fc.assert(
      fc.property(stage1CaseArb(), ({ input, series }) => {
        const out = kernel.integrate(input);
        // The generator keeps counter rates under the ceiling, so only bad samples reject.
        expect(Array.from(out.rejected)).toEqual(series.map((s) => s.invalid));
      }),
      RUNS,
    );
  });

  it("is additive over windows: halving the window length splits every amount", () => {
    fc.assert(
      fc.property(stage1CaseArb(), ({ input }) => {
        const whole = copyStage1(kernel.integrate(input));
        const half = kernel.integrate({
          ...input,
          windowS: input.windowS / 2,
          nWindows: input.nWindows * 2,
        });
        const nW = input.nWindows;
        for (let s = 0; s + 1 < input.offsets.length; s++) {
          for (let k = 0; k < nW; k++) {
            const i = s * nW + k;
            const j = s * 2 * nW + 2 * k;
            expectClose(half.amount[j] + half.amount[j + 1], whole.amount[i], `amount ${s}/${k}`);
            expectClose(
              half.coveredS[j] + half.coveredS[j + 1],
              whole.coveredS[i],
              `covered ${s}/${k}`,
            );
          }
        }
        expect(Array.from(half.rejected)).toEqual(Array.from(whole.rejected));
      }),
      RUNS,
    );
  });

  it("does not depend on the order of the series", () => {
    fc.assert(
      fc.property(stage1CaseArb(), permutationKeysArb, ({ input, series }, keys) => {
        const a = copyStage1(kernel.integrate(input));
        const order = permute(
          series.map((_, i) => i),
          keys,
        );
        const b = kernel.integrate(
          toStage1Input(
            order.map((i) => series[i]),
            input.windowStartS,
            input.windowS,
            input.nWindows,
            input.maxGapS,
          ),
        );
        const nW = input.nWindows;
        order.forEach((from, to) => {
          expect(b.rejected[to]).toBe(a.rejected[from]);
          for (let k = 0; k < nW; k++) {
            expect(b.amount[to * nW + k]).toBe(a.amount[from * nW + k]);
            expect(b.coveredS[to * nW + k]).toBe(a.coveredS[from * nW + k]);
          }
        });
      }),
      RUNS,
    );
  });

  it("scales energy linearly with power (ceilings scaled alike)", () => {
    // Powers of two scale doubles exactly, so rejection decisions cannot flip by rounding.
    const factor = fc.constantFrom(0.25, 0.5, 2, 4, 1024);
    const noSentinel = stage1CaseArb({ sentinel: false });
    fc.assert(
      fc.property(noSentinel, factor, ({ input }, k) => {
        const a = copyStage1(kernel.integrate(input));
        const scaled: Stage1Input = {
          ...input,
          value: input.value.map((v) => v * k),
          ceiling: input.ceiling.map((c) => c * k),
        };
        const b = kernel.integrate(scaled);
        a.amount.forEach((v, i) => {
          expectClose(b.amount[i], v * k, `amount[${i}]`, 1e-12);
        });
        expect(Array.from(b.coveredS)).toEqual(Array.from(a.coveredS));
        expect(Array.from(b.rejected)).toEqual(Array.from(a.rejected));
      }),
      RUNS,
    );
  });

  it("integrates constant power to power × covered seconds", () => {
    const constant = stage1CaseArb({ modes: [SeriesMode.Power], constantPower: true, bad: false });
    fc.assert(
      fc.property(constant, ({ input, series }) => {
        const out = kernel.integrate(input);
        series.forEach((s, i) => {
          const p = s.value[0] ?? 0;
          for (let k = 0; k < input.nWindows; k++) {
            const j = i * input.nWindows + k;
            expectClose(out.amount[j], p * out.coveredS[j], `series ${i} window ${k}`);
          }
        });
      }),
      RUNS,
    );
  });

  it("conserves counts and trapezoid energy of samples that lie inside the windows", () => {
    const inside = stage1CaseArb({ bad: false, gaps: false }).map(({ input, series }) => {
      const end = input.windowStartS + input.windowS * input.nWindows;
      const clipped = series.map((s) => {
        const kept = samples(s).filter(([t]) => t >= input.windowStartS && t <= end);
        return { ...s, timeS: kept.map(([t]) => t), value: kept.map(([, v]) => v) };
      });
      return {
        series: clipped,
        input: toStage1Input(clipped, input.windowStartS, input.windowS, input.nWindows, 1e9),
      };
    });
    fc.assert(
      fc.property(inside, ({ input, series }) => {
        const out = kernel.integrate(input);
        series.forEach((s, i) => {
          let want = 0;
          const pts = samples(s);
          for (let j = 1; j < pts.length; j++) {
            const [t0, v0] = pts[j - 1];
            const [t1, v1] = pts[j];
            if (s.mode === SeriesMode.Power) want += ((v0 + v1) / 2) * (t1 - t0);
            else want += v1 >= v0 ? v1 - v0 : v1;
          }
          let got = 0;
          for (let k = 0; k < input.nWindows; k++) got += out.amount[i * input.nWindows + k];
          expectClose(got, want, `series ${i} (mode ${s.mode})`);
        });
      }),
      RUNS,
    );
  });
});

describe.each(kernels)("stage 1 edge cases ($name)", ({ kernel }) => {
  it("ignores everything before the first sample and outside the windows", () => {
    const s: SeriesCase = {
      mode: SeriesMode.CounterNoGap,
      ceiling: Number.POSITIVE_INFINITY,
      timeS: [DAY0_S - 100, DAY0_S - 50, DAY0_S + 200],
      value: [5, 10, 1000],
      invalid: 0,
    };
    const out = kernel.integrate(toStage1Input([s], DAY0_S, 60, 1, 3));
    // 990 over 250 s, 60 s of it in the window: 237.6.
    expectClose(out.amount[0], (990 * 60) / 250, "window 0");
  });
});
