/** fast-check generator of stage-2 inputs: several workloads per GPU, zero tokens, idle GPUs. */
import fc from "fast-check";
import type { Stage2Input } from "../../../kernel/src/types.js";

const maybeZero = (max: number) =>
  fc.oneof(fc.constant(0), fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }));

const reading = fc.record({
  energyJ: fc.oneof(fc.constant(0), fc.double({ min: 1, max: 8e4, noNaN: true })),
  coverage: fc.constantFrom(0, 0.5, 1, 1),
  idleW: fc.constantFrom(0, 60, 90, 5000),
  ownerWorkload: fc.integer({ min: -1, max: 2 }),
  ownerTenant: fc.integer({ min: 0, max: 2 }),
});

const contribution = fc.record({
  workload: fc.integer({ min: 0, max: 3 }),
  tenant: fc.integer({ min: 0, max: 2 }),
  prompt: maybeZero(5e4),
  cachedPart: fc.constantFrom(0, 0.3, 1, 1.5),
  gen: maybeZero(2e4),
  requests: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 })),
  gpus: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
});

const window = fc.record({
  lengthS: fc.constantFrom(10, 60),
  hostJ: maybeZero(3e4),
  overheadJ: fc.oneof(fc.constant(Number.NaN), maybeZero(2e4)),
  pue: fc.double({ min: 1, max: 2, noNaN: true }),
  price: maybeZero(0.4),
  carbon: maybeZero(600),
  rate: maybeZero(4),
  discount: fc.constantFrom(0, 0.2, 0.5),
  embodied: maybeZero(30),
  readings: fc.array(reading, { maxLength: 5 }),
  contributions: fc.array(contribution, { maxLength: 6 }),
});

export const stage2Input = fc
  .record({
    promptWeight: fc.constantFrom(0, 0.25, 1),
    cachedWeight: fc.constantFrom(0, 0.025, 0.5),
    idleSeparate: fc.boolean(),
    windows: fc.array(window, { minLength: 1, maxLength: 4 }),
  })
  .map(({ promptWeight, cachedWeight, idleSeparate, windows }): Stage2Input => {
    const W = { start: [] as number[], length: [] as number[], host: [] as number[] };
    const wc: Record<string, number[]> = {};
    const push = (k: string, v: number) => {
      wc[k] ??= [];
      wc[k].push(v);
    };
    const r: Record<string, number[]> = {};
    const rp = (k: string, v: number) => {
      r[k] ??= [];
      r[k].push(v);
    };
    const c: Record<string, number[]> = {};
    const cp = (k: string, v: number) => {
      c[k] ??= [];
      c[k].push(v);
    };
    const gpuIndex: number[] = [];
    windows.forEach((w, wi) => {
      W.start.push(1_700_000_040 + wi * w.lengthS);
      push("lengthS", w.lengthS);
      push("hostJ", w.hostJ);
      push("overheadJ", w.overheadJ);
      push("pue", w.pue);
      push("pricePerKwh", w.price);
      push("carbonGPerKwh", w.carbon);
      push("gpuRatePerHour", w.rate);
      push("discount", w.discount);
      push("embodiedGPerGpuHour", w.embodied);
      const first = (r.window ?? []).length;
      for (const g of w.readings) {
        rp("window", wi);
        rp("energyJ", g.energyJ);
        rp("coveredS", g.coverage * w.lengthS);
        rp("idleW", g.idleW);
        rp("ownerWorkload", g.ownerWorkload);
        rp("ownerTenant", g.ownerTenant);
      }
      const n = w.readings.length;
      if (n === 0) return;
      for (const k of w.contributions) {
        cp("window", wi);
        cp("workload", k.workload);
        cp("tenant", k.tenant);
        cp("prompt", k.prompt);
        cp("cached", k.prompt * k.cachedPart);
        cp("gen", k.gen);
        cp("requests", k.requests);
        // Distinct GPUs of this window, in the order drawn.
        const gpus = [...new Set(k.gpus.map((x) => first + (x % n)))];
        cp("gpuStart", gpuIndex.length);
        cp("gpuCount", gpus.length);
        gpuIndex.push(...gpus);
      }
    });
    const f = (a: number[] | undefined) => Float64Array.from(a ?? []);
    const i = (a: number[] | undefined) => Int32Array.from(a ?? []);
    return {
      promptWeight,
      cachedWeight,
      idleSeparate,
      windows: {
        startS: f(W.start),
        lengthS: f(wc.lengthS),
        hostJ: f(wc.hostJ),
        overheadJ: f(wc.overheadJ),
        pue: f(wc.pue),
        pricePerKwh: f(wc.pricePerKwh),
        carbonGPerKwh: f(wc.carbonGPerKwh),
        gpuRatePerHour: f(wc.gpuRatePerHour),
        discount: f(wc.discount),
        embodiedGPerGpuHour: f(wc.embodiedGPerGpuHour),
      },
      readings: {
        window: i(r.window),
        energyJ: f(r.energyJ),
        coveredS: f(r.coveredS),
        idleW: f(r.idleW),
        ownerWorkload: i(r.ownerWorkload),
        ownerTenant: i(r.ownerTenant),
      },
      contributions: {
        window: i(c.window),
        workload: i(c.workload),
        tenant: i(c.tenant),
        prompt: f(c.prompt),
        cached: f(c.cached),
        gen: f(c.gen),
        requests: f(c.requests),
        gpuStart: i(c.gpuStart),
        gpuCount: i(c.gpuCount),
        gpuIndex: i(gpuIndex),
      },
    };
  });
