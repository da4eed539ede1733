import { describe, expect, it } from "vitest";
import { pyFloat } from "../../simulate/expo.js";
import { PiecewiseIntegrator } from "../../simulate/integrator.js";

describe("PiecewiseIntegrator", () => {
  it("integrates the interpolated signal exactly, from a start between knots", () => {
    // f(k) = k at knots 1 s apart: f(t) = t (seconds) between knots, ∫_a^b t dt = (b² − a²)/2.
    const it1 = new PiecewiseIntegrator((k) => k, 1000, 2500);
    expect(it1.valueAt(2500)).toBeCloseTo(2.5, 12);
    expect(it1.integralTo(7250)).toBeCloseTo((7.25 ** 2 - 2.5 ** 2) / 2, 9);
    expect(it1.valueAt(7250)).toBeCloseTo(7.25, 12);
  });

  it("holds a clock that goes backwards at its latest reading", () => {
    const it2 = new PiecewiseIntegrator(() => 10, 100, 0);
    expect(it2.integralTo(5000)).toBeCloseTo(50, 9);
    expect(it2.integralTo(1000)).toBeCloseTo(50, 9);
    expect(it2.integralTo(6000)).toBeCloseTo(60, 9);
  });
});

describe("pyFloat (prometheus_client floatToGoString)", () => {
  it.each([
    [14588, "14588.0"],
    [0, "0.0"],
    [0.5, "0.5"],
    [999999, "999999.0"],
    [1000000, "1e+06"],
    [4879232, "4.879232e+06"],
    [1753795326.9352946, "1.7537953269352946e+09"],
    [Number.NaN, "NaN"],
  ])("%s → %s", (v, s) => {
    expect(pyFloat(v)).toBe(s);
  });
});
