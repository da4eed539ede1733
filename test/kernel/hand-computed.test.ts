/**
 * Small cases computed by hand (the arithmetic is in the comments), run against every
 * available kernel implementation.
 */
import { describe, expect, it } from "vitest";
import { expandSchedule } from "../../kernel/src/prices.js";
import { LineKind, SeriesMode, type Stage2Output } from "../../kernel/src/types.js";
import { type SeriesCase, toStage1Input } from "../helpers/kernel-arbitraries.js";
import { availableKernels } from "../helpers/kernel-impls.js";
import {
  buildStage2,
  type ContributionModel,
  type ReadingModel,
  type Stage2Model,
  type WindowModel,
} from "../helpers/kernel-stage2-arbitraries.js";

const S = 1_767_225_600; // 2026-01-01T00:00:00Z

function series(mode: SeriesMode, points: Array<[number, number]>, ceiling = 1500): SeriesCase {
  return {
    mode,
    ceiling,
    timeS: points.map(([t]) => S + t),
    value: points.map(([, v]) => v),
    invalid: 0,
  };
}

function win(over: Partial<WindowModel> = {}): WindowModel {
  return {
    startS: S,
    lengthS: 60,
    hostJ: 0,
    overheadJ: Number.NaN,
    pue: 1,
    pricePerKwh: 0,
    carbonGPerKwh: 0,
    gpuRatePerHour: 0,
    discount: 0,
    embodiedGPerGpuHour: 0,
    ...over,
  };
}

function gpu(id: number, over: Partial<ReadingModel> = {}): ReadingModel {
  return {
    id,
    window: 0,
    energyJ: 0,
    coveredS: 60,
    idleW: 0,
    ownerWorkload: 0,
    ownerTenant: 0,
    ...over,
  };
}

function tokens(workload: number, gpus: number[], over: Partial<ContributionModel> = {}) {
  return {
    window: 0,
    workload,
    tenant: 0,
    prompt: 0,
    cached: 0,
    gen: 0,
    requests: 0,
    gpus,
    ...over,
  };
}

function model(over: Partial<Stage2Model>): Stage2Model {
  return {
    promptWeight: 0.25,
    cachedWeight: 0.025,
    idleSeparate: false,
    nWorkloads: 2,
    nTenants: 2,
    windows: [win()],
    readings: [],
    contributions: [],
    ...over,
  };
}

/** Lines as plain objects, for toMatchObject. */
function rows(out: Stage2Output) {
  return Array.from({ length: out.count }, (_, i) => ({
    reading: out.reading[i],
    workload: out.workload[i],
    tenant: out.tenant[i],
    kind: out.kind[i],
    gpuEnergyJ: out.gpuEnergyJ[i],
    idleEnergyJ: out.idleEnergyJ[i],
    hostEnergyJ: out.hostEnergyJ[i],
    facilityEnergyJ: out.facilityEnergyJ[i],
    gpuSeconds: out.gpuSeconds[i],
    gen: out.gen[i],
    coverage: out.coverage[i],
    energyCost: out.energyCost[i],
    gpuTimeCost: out.gpuTimeCost[i],
    listCost: out.listCost[i],
    effectiveCost: out.effectiveCost[i],
    carbonG: out.carbonG[i],
  }));
}

const kernels = await availableKernels();

describe.each(kernels)("stage 1 by hand ($name)", ({ kernel }) => {
  it("integrates constant power over a window", () => {
    // 300 W sampled every second from S−2 to S+62: 300 W × 60 s = 18 000 J.
    const pts: Array<[number, number]> = [];
    for (let t = -2; t <= 62; t++) pts.push([t, 300]);
    const out = kernel.integrate(toStage1Input([series(SeriesMode.Power, pts)], S, 60, 1, 3));
    expect(out.amount[0]).toBeCloseTo(18_000, 9);
    expect(out.coveredS[0]).toBeCloseTo(60, 12);
    expect(out.rejected[0]).toBe(0);
  });

  it("integrates a linear ramp exactly, cutting at window edges", () => {
    // p(t) = 100 + 10·(t − S) sampled every 10 s from S−3 to S+67.
    // Window 0: ∫0..60 (100 + 10x) dx = 6 000 + 18 000 = 24 000 J.
    // Window 1 (covered 60..67): [100x + 5x²] from 60 to 67 = 700 + 5·(67² − 60²) = 5 145 J.
    const pts: Array<[number, number]> = [];
    for (let t = -3; t <= 67; t += 10) pts.push([t, 100 + 10 * t]);
    const out = kernel.integrate(
      toStage1Input([series(SeriesMode.Power, pts, 5000)], S, 60, 2, 30),
    );
    expect(out.amount[0]).toBeCloseTo(24_000, 8);
    expect(out.amount[1]).toBeCloseTo(5_145, 8);
    expect(out.coveredS[1]).toBeCloseTo(7, 12);
  });

  it("treats a counter decrease as a reset and splits increments by overlap", () => {
    // 1000 → 3000 (+2000 over 0..10), → 500 (reset: +500 over 10..20), → 1500 (+1000 over 20..30).
    // 15 s windows: w0 = 2000 + 500·5/10 = 2250; w1 = 250 + 1000 = 1250. Total 3500.
    const pts: Array<[number, number]> = [
      [0, 1000],
      [10, 3000],
      [20, 500],
      [30, 1500],
    ];
    const input = toStage1Input([series(SeriesMode.Counter, pts)], S, 15, 4, 15);
    const out = kernel.integrate(input);
    expect(Array.from(out.amount)).toEqual([2250, 1250, 0, 0]);
    expect(Array.from(out.coveredS)).toEqual([15, 15, 0, 0]);
  });

  it("adds no energy and no coverage across a gap", () => {
    // 200 W every second on 0..20 and 40..60; the 20 s hole exceeds maxGap = 3 s.
    // Energy 200·20 + 200·20 = 8 000 J; covered 40 s of 60.
    const pts: Array<[number, number]> = [];
    for (let t = 0; t <= 20; t++) pts.push([t, 200]);
    for (let t = 40; t <= 60; t++) pts.push([t, 200]);
    const power = series(SeriesMode.Power, pts);
    // The same as an energy counter that kept counting through the hole: still no energy.
    const counter = series(
      SeriesMode.Counter,
      pts.map(([t]) => [t, 1e6 + 200 * t]),
    );
    const out = kernel.integrate(toStage1Input([power, counter], S, 60, 1, 3));
    expect(out.amount[0]).toBeCloseTo(8_000, 9);
    expect(out.coveredS[0]).toBeCloseTo(40, 12);
    expect(out.amount[1]).toBeCloseTo(8_000, 9);
    expect(out.coveredS[1] / 60).toBeCloseTo(2 / 3, 12);
  });

  it("never gaps a token counter: the whole count lands, spread over the interval", () => {
    // 600 tokens between S+50 and S+70 (longer than maxGap): 300 in each 60 s window.
    const pts: Array<[number, number]> = [
      [50, 100],
      [70, 700],
    ];
    const out = kernel.integrate(
      toStage1Input([series(SeriesMode.CounterNoGap, pts)], S, 60, 2, 3),
    );
    expect(Array.from(out.amount)).toEqual([300, 300]);
  });

  it("rejects and counts bad samples, integrating the rest as if they were absent", () => {
    // Kept: 100 W at 0, 1, 2, 3, 4 → 400 J over 4 s. Rejected: NaN, +∞, −5, the DCGM sentinel,
    // 1600 W (ceiling 1500), a time before the previous kept one, a NaN time: 7.
    const pts: Array<[number, number]> = [
      [0, 100],
      [0.5, Number.NaN],
      [1, 100],
      [1.2, Number.POSITIVE_INFINITY],
      [1.5, -5],
      [1.7, 9.2e18],
      [2, 100],
      [2.5, 1600],
      [0.9, 100],
      [3, 100],
      [Number.NaN, 100],
      [4, 100],
    ];
    const out = kernel.integrate(toStage1Input([series(SeriesMode.Power, pts)], S, 60, 1, 3));
    expect(out.rejected[0]).toBe(7);
    expect(out.amount[0]).toBeCloseTo(400, 9);
    expect(out.coveredS[0]).toBeCloseTo(4, 12);
  });

  it("rejects a counter interval above the rate ceiling and one with an increment in zero time", () => {
    // 1000 → 2000 in 1 s (1000 W, kept) → 10 000 in 1 s (8000 W > 1500: rejected, no coverage)
    // → 11 000 in 1 s (kept) → 11 500 at the same instant (+500 in 0 s: rejected).
    const pts: Array<[number, number]> = [
      [0, 1000],
      [1, 2000],
      [2, 10_000],
      [3, 11_000],
      [3, 11_500],
    ];
    const out = kernel.integrate(toStage1Input([series(SeriesMode.Counter, pts)], S, 60, 1, 3));
    expect(out.rejected[0]).toBe(2);
    expect(out.amount[0]).toBe(2000);
    expect(out.coveredS[0]).toBe(2);
  });
});

describe.each(kernels)("stage 2 by hand ($name)", ({ kernel }) => {
  it("prices a window whose energy price changes inside it (time-of-use boundary)", () => {
    // Berlin winter: 07:00 CET = 06:00Z. A 300 s window from 05:58:00Z has 120 s at 0.09
    // and 180 s at 0.18: mean (10.8 + 32.4) / 300 = 0.144 per kWh.
    const start = Date.UTC(2026, 0, 15, 5, 58) / 1000;
    const prices = expandSchedule(
      [
        { from: "07:00", to: "22:00", per_kwh: 0.18 },
        { from: "22:00", to: "07:00", per_kwh: 0.09 },
      ],
      "Europe/Berlin",
      start - 3600,
      start + 3600,
    );
    const mean = kernel.stepMean(prices, Float64Array.of(start), 300)[0];
    expect(mean).toBeCloseTo(0.144, 12);
    // 300 W for 300 s = 90 000 J = 0.025 kWh; × 0.144 = 0.0036, the same as pricing each
    // part at its own price: 120·300/3.6e6·0.09 + 180·300/3.6e6·0.18 = 0.0009 + 0.0027.
    const m = model({
      windows: [win({ startS: start, lengthS: 300, pricePerKwh: mean })],
      readings: [gpu(0, { energyJ: 90_000, coveredS: 300 })],
      contributions: [tokens(0, [0], { gen: 10 })],
    });
    const out = kernel.attribute(buildStage2(m).input);
    expect(out.count).toBe(1);
    expect(out.energyCost[0]).toBeCloseTo(0.0036, 12);
  });

  it("computes the SCI worked example: carbon = E·I + M, and the costs", () => {
    // GPU 600 W × 60 s = 36 000 J, host 6 000 J, PUE 1.5 → facility 63 000 J = 0.0175 kWh.
    // E·I = 0.0175 × 400 = 7.0 g; M = 60/3600 h × 30 g/h = 0.5 g; carbon = 7.5 g.
    // Energy 0.0175 × 0.2 = 0.0035; GPU time 1/60 h × 2.4 = 0.04; list 0.0435; −20 % → 0.0348.
    const m = model({
      windows: [
        win({
          hostJ: 6000,
          pue: 1.5,
          carbonGPerKwh: 400,
          embodiedGPerGpuHour: 30,
          pricePerKwh: 0.2,
          gpuRatePerHour: 2.4,
          discount: 0.2,
        }),
      ],
      readings: [gpu(0, { energyJ: 36_000 })],
      contributions: [tokens(0, [0], { gen: 1000, prompt: 4000, requests: 4 })],
    });
    const [line] = rows(kernel.attribute(buildStage2(m).input));
    expect(line.facilityEnergyJ).toBeCloseTo(63_000, 8);
    expect(line.carbonG).toBeCloseTo(7.5, 12);
    expect(line.energyCost).toBeCloseTo(0.0035, 12);
    expect(line.gpuTimeCost).toBeCloseTo(0.04, 12);
    expect(line.listCost).toBeCloseTo(0.0435, 12);
    expect(line.effectiveCost).toBeCloseTo(0.0348, 12);
  });

  // One GPU: 30 000 J in 60 s, idle 100 W × 60 s = 6 000 J, dynamic 24 000 J.
  // Workload 0 generated 300 tokens, workload 1 100: shares 0.75 / 0.25.
  const idleCase = (idleSeparate: boolean) =>
    model({
      idleSeparate,
      readings: [gpu(0, { energyJ: 30_000, idleW: 100 })],
      contributions: [tokens(0, [0], { gen: 300 }), tokens(1, [0], { gen: 100 })],
    });

  it("spreads idle energy over the token shares (idle: spread)", () => {
    // A: 0.75 × 30 000 = 22 500 J (idle 4 500), 45 s; B: 7 500 J (idle 1 500), 15 s.
    const out = rows(kernel.attribute(buildStage2(idleCase(false)).input));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ workload: 0, kind: LineKind.Usage });
    expect(out[0].gpuEnergyJ).toBeCloseTo(22_500, 9);
    expect(out[0].idleEnergyJ).toBeCloseTo(4_500, 9);
    expect(out[0].gpuSeconds).toBeCloseTo(45, 12);
    expect(out[1].gpuEnergyJ).toBeCloseTo(7_500, 9);
    expect(out[1].idleEnergyJ).toBeCloseTo(1_500, 9);
  });

  it("puts idle energy on the owner's idle line (idle: separate)", () => {
    // f_A = 0.75 × 24 000/30 000 = 0.6 → 18 000 J, 36 s; f_B = 0.2 → 6 000 J, 12 s;
    // idle line f = 0.2 → 6 000 J (all idle), 12 s, owner workload 0 / tenant 0.
    const out = rows(kernel.attribute(buildStage2(idleCase(true)).input));
    expect(out).toHaveLength(3);
    expect(out[0].gpuEnergyJ).toBeCloseTo(18_000, 9);
    expect(out[0].idleEnergyJ).toBe(0);
    expect(out[0].gpuSeconds).toBeCloseTo(36, 12);
    expect(out[1].gpuEnergyJ).toBeCloseTo(6_000, 9);
    expect(out[2]).toMatchObject({ workload: 0, tenant: 0, kind: LineKind.Idle });
    expect(out[2].gpuEnergyJ).toBeCloseTo(6_000, 9);
    expect(out[2].idleEnergyJ).toBeCloseTo(6_000, 9);
    expect(out[2].gpuSeconds).toBeCloseTo(12, 12);
  });

  it("gives a GPU that served no tokens wholly to its owner's idle line", () => {
    // 4 200 J, idle 70 W × 30 s covered = 2 100 J; unassigned GPU: workload −1.
    const m = model({
      readings: [
        gpu(0, { energyJ: 4_200, idleW: 70, coveredS: 30, ownerWorkload: -1, ownerTenant: -1 }),
      ],
    });
    const out = rows(kernel.attribute(buildStage2(m).input));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ workload: -1, tenant: -1, kind: LineKind.Idle, gpuSeconds: 60 });
    expect(out[0].gpuEnergyJ).toBeCloseTo(4_200, 9);
    expect(out[0].idleEnergyJ).toBeCloseTo(2_100, 9);
    expect(out[0].coverage).toBeCloseTo(0.5, 12);
  });

  it("spreads a workload over its GPUs and host overhead by GPU energy, facility by IT energy", () => {
    // GPUs 30 000 J and 10 000 J; host 8 000 J → 6 000 / 2 000; IT 36 000 / 12 000.
    // Measured overhead 4 800 J by IT → 3 600 / 1 200; facility 39 600 / 13 200.
    // Workload 0 runs on both GPUs (gen 200 → 100 per GPU); workload 1 on GPU 1 only
    // (gen 300): GPU 1 shares 100 : 300 = 0.25 : 0.75.
    const m = model({
      windows: [win({ hostJ: 8000, overheadJ: 4800 })],
      readings: [gpu(0, { energyJ: 30_000 }), gpu(1, { energyJ: 10_000 })],
      contributions: [tokens(0, [0, 1], { gen: 200 }), tokens(1, [1], { gen: 300 })],
    });
    const out = rows(kernel.attribute(buildStage2(m).input));
    expect(out.map((l) => [l.reading, l.workload])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(out[0].gen).toBeCloseTo(100, 12);
    expect(out[0].hostEnergyJ).toBeCloseTo(6_000, 9);
    expect(out[0].facilityEnergyJ).toBeCloseTo(39_600, 9);
    expect(out[1].hostEnergyJ).toBeCloseTo(500, 9);
    expect(out[1].facilityEnergyJ).toBeCloseTo(3_300, 9);
    expect(out[2].gpuEnergyJ).toBeCloseTo(7_500, 9);
    expect(out[2].facilityEnergyJ).toBeCloseTo(9_900, 9);
    // The same window under a static PUE of 1.25: 36 000 × 1.25 = 45 000; 12 000 × 1.25 = 15 000.
    const pue = model({ ...m, windows: [win({ hostJ: 8000, pue: 1.25 })] });
    const outPue = rows(kernel.attribute(buildStage2(pue).input));
    expect(outPue[0].facilityEnergyJ).toBeCloseTo(45_000, 9);
    expect(outPue[1].facilityEnergyJ + outPue[2].facilityEnergyJ).toBeCloseTo(15_000, 9);
  });

  it("keeps a line for requests that carried no tokens", () => {
    const m = model({
      readings: [gpu(0, { energyJ: 1000 })],
      contributions: [tokens(0, [0], { gen: 10 }), tokens(1, [0], { requests: 3 })],
    });
    const out = kernel.attribute(buildStage2(m).input);
    expect(out.count).toBe(2);
    expect(out.requests[1]).toBe(3);
    expect(out.gpuEnergyJ[1]).toBe(0);
  });
});

describe.each(kernels)("tenant split by hand ($name)", ({ kernel }) => {
  it("shares a workload's counts by the tenants' weighted tokens", () => {
    // t0: 75 + 0.25·200 = 125; t1: 350 + 0.25·0 + 0.025·1000 = 375 → 0.25 / 0.75.
    // Group 1 has no gateway tokens: its first row takes everything.
    const out = kernel.splitTenants({
      promptWeight: 0.25,
      cachedWeight: 0.025,
      groupPrompt: Float64Array.of(1000, 40),
      groupCached: Float64Array.of(200, 0),
      groupGen: Float64Array.of(500, 8),
      groupRequests: Float64Array.of(10, 2),
      tenantStart: Int32Array.of(0, 2),
      tenantCount: Int32Array.of(2, 2),
      tenantPrompt: Float64Array.of(200, 1000, 0, 0),
      tenantCached: Float64Array.of(0, 1000, 0, 0),
      tenantGen: Float64Array.of(75, 350, 0, 0),
    });
    expect(Array.from(out.prompt)).toEqual([250, 750, 40, 0]);
    expect(Array.from(out.cached)).toEqual([50, 150, 0, 0]);
    expect(Array.from(out.gen)).toEqual([125, 375, 8, 0]);
    expect(Array.from(out.requests)).toEqual([2.5, 7.5, 2, 0]);
  });
});

describe.each(kernels)("derived figures by hand ($name)", ({ kernel }) => {
  it("computes every figure and NaN where a denominator is zero", () => {
    // 3.6e6 J for 1 800 prompt + 1 200 generated = 3 000 tokens: 1 200 J/token, 3 000 tokens/kWh.
    const f64 = (a: number, b: number) => Float64Array.of(a, b);
    const d = kernel.derive({
      prompt: f64(1800, 0),
      cached: f64(900, 0),
      gen: f64(1200, 0),
      requests: f64(20, 0),
      facilityEnergyJ: f64(3.6e6, 0),
      usageFacilityEnergyJ: f64(2.7e6, 0),
      effectiveCost: f64(0.6, 0),
      carbonG: f64(400, 0),
    });
    expect(d.joulesPerToken[0]).toBeCloseTo(1200, 9);
    expect(d.tokensPerKwh[0]).toBeCloseTo(3000, 9);
    expect(d.tokensPerSecondPerMw[0]).toBeCloseTo(3000 / 3.6, 9);
    expect(d.costPerMillionTokens[0]).toBeCloseTo(200, 9);
    expect(d.carbonGPerThousandRequests[0]).toBeCloseTo(20_000, 9);
    expect(d.directAllocation[0]).toBeCloseTo(0.75, 12);
    expect(d.cacheLeverage[0]).toBeCloseTo(0.5, 12);
    for (const figure of Object.values(d)) expect(Number.isNaN(figure[1])).toBe(true);
  });
});
