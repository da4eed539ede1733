/**
 * fast-check generators of stage-2 inputs, as a plain model (readings with stable ids,
 * contributions naming the reading ids they run on) that tests can permute, relabel and
 * scale before building the kernel's columnar input with `buildStage2`.
 */
import fc from "fast-check";
import type { Stage2Input } from "../../kernel/src/types.js";
import { DAY0_S } from "./kernel-stage1-arbitraries.js";

export interface WindowModel {
  startS: number;
  lengthS: number;
  hostJ: number;
  overheadJ: number;
  pue: number;
  pricePerKwh: number;
  carbonGPerKwh: number;
  gpuRatePerHour: number;
  discount: number;
  embodiedGPerGpuHour: number;
}

export interface ReadingModel {
  /** Stable identity, kept through permutations. */
  id: number;
  window: number;
  energyJ: number;
  coveredS: number;
  idleW: number;
  ownerWorkload: number;
  ownerTenant: number;
}

export interface ContributionModel {
  window: number;
  workload: number;
  tenant: number;
  prompt: number;
  cached: number;
  gen: number;
  requests: number;
  /** Reading ids. */
  gpus: number[];
}

export interface Stage2Model {
  promptWeight: number;
  cachedWeight: number;
  idleSeparate: boolean;
  nWorkloads: number;
  nTenants: number;
  windows: WindowModel[];
  readings: ReadingModel[];
  contributions: ContributionModel[];
}

export interface BuiltStage2 {
  input: Stage2Input;
  /** Reading index → reading id. */
  readingIds: number[];
}

/** Zero, or a value in [min, max] well clear of subnormals (so scaling keeps it non-zero). */
function zeroOr(min: number, max: number, zeroWeight = 1): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: zeroWeight, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.double({ min, max, noNaN: true }) },
  );
}

/** α or β: the default, zero, or a weight clear of subnormals. */
function weightArb(byDefault: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constant(byDefault),
    fc.constant(0),
    fc.double({ min: 1e-3, max: 1, noNaN: true }),
  );
}

const windowParamsArb = fc.record({
  hostJ: zeroOr(1e-3, 5e4),
  overheadJ: fc.oneof(fc.constant(Number.NaN), zeroOr(1e-3, 5e4)),
  pue: fc.double({ min: 1, max: 2, noNaN: true }),
  pricePerKwh: zeroOr(1e-4, 0.5),
  carbonGPerKwh: zeroOr(1e-3, 800),
  gpuRatePerHour: zeroOr(1e-3, 10),
  discount: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  embodiedGPerGpuHour: zeroOr(1e-3, 100),
});

const readingRawArb = fc.record({
  window: fc.nat(),
  energyFrac: zeroOr(1e-6, 1),
  coveredFrac: fc.oneof(
    fc.constant(1),
    fc.constant(0),
    fc.double({ min: 1e-6, max: 1, noNaN: true }),
  ),
  idleW: fc.oneof(fc.constant(0), fc.constant(70), fc.double({ min: 1e-3, max: 300, noNaN: true })),
  owner: fc.nat(),
  ownerTenant: fc.nat(),
});

const countsArb = fc.record({
  prompt: zeroOr(1e-3, 1e5),
  cachedFrac: fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1.2, noNaN: true })),
  gen: zeroOr(1e-3, 2e4),
  requests: zeroOr(1e-3, 200, 2),
});

const contributionRawArb = fc.record({
  window: fc.nat(),
  workload: fc.nat(),
  tenant: fc.nat(),
  gpuMask: fc.integer({ min: 1, max: 255 }),
  counts: countsArb,
});

export function stage2ModelArb(): fc.Arbitrary<Stage2Model> {
  return fc
    .record({
      nWindows: fc.integer({ min: 1, max: 3 }),
      windowS: fc.constantFrom(30, 60, 300),
      startK: fc.integer({ min: 0, max: 1000 }),
      nWorkloads: fc.integer({ min: 1, max: 4 }),
      nTenants: fc.integer({ min: 1, max: 3 }),
      promptWeight: weightArb(0.25),
      cachedWeight: weightArb(0.025),
      idleSeparate: fc.boolean(),
      windows: fc.array(windowParamsArb, { minLength: 3, maxLength: 3 }),
      readings: fc.array(readingRawArb, { minLength: 0, maxLength: 9 }),
      contributions: fc.array(contributionRawArb, { minLength: 0, maxLength: 14 }),
    })
    .map((r) => {
      const windows: WindowModel[] = r.windows.slice(0, r.nWindows).map((w, k) => ({
        ...w,
        startS: DAY0_S + (r.startK + k) * r.windowS,
        lengthS: r.windowS,
      }));
      const readings: ReadingModel[] = r.readings.map((x, id) => {
        const ownerWorkload = (x.owner % (r.nWorkloads + 1)) - 1;
        return {
          id,
          window: x.window % r.nWindows,
          energyJ: x.energyFrac * 1000 * r.windowS,
          coveredS: x.coveredFrac * r.windowS,
          idleW: x.idleW,
          ownerWorkload,
          ownerTenant: ownerWorkload < 0 ? -1 : x.ownerTenant % r.nTenants,
        };
      });
      const seen = new Set<string>();
      const contributions: ContributionModel[] = [];
      for (const c of r.contributions) {
        const window = c.window % r.nWindows;
        const workload = c.workload % r.nWorkloads;
        const tenant = c.tenant % r.nTenants;
        const ids = readings.filter((x) => x.window === window).map((x) => x.id);
        const key = `${window}/${workload}/${tenant}`;
        if (ids.length === 0 || seen.has(key)) continue;
        seen.add(key);
        let gpus = ids.filter((_, i) => (c.gpuMask >> (i % 8)) & 1);
        if (gpus.length === 0) gpus = [ids[0]];
        const { prompt, cachedFrac, gen, requests } = c.counts;
        contributions.push({
          window,
          workload,
          tenant,
          prompt,
          cached: prompt * cachedFrac,
          gen,
          requests,
          gpus,
        });
      }
      return {
        promptWeight: r.promptWeight,
        cachedWeight: r.cachedWeight,
        idleSeparate: r.idleSeparate,
        nWorkloads: r.nWorkloads,
        nTenants: r.nTenants,
        windows,
        readings,
        contributions,
      };
    });
}

/** The kernel's columnar input: rows stably sorted by window, as the contract requires. */
export function buildStage2(model: Stage2Model): BuiltStage2 {
  const readings = [...model.readings].sort((a, b) => a.window - b.window);
  const contributions = [...model.contributions].sort((a, b) => a.window - b.window);
  const indexOf = new Map(readings.map((r, i) => [r.id, i]));
  const gpuIndex: number[] = [];
  const gpuStart: number[] = [];
  for (const c of contributions) {
    gpuStart.push(gpuIndex.length);
    for (const id of c.gpus) gpuIndex.push(indexOf.get(id)!);
  }
  const w = model.windows;
  const f64 = <T>(rows: readonly T[], get: (row: T) => number): Float64Array =>
    Float64Array.from(rows, get);
  const i32 = <T>(rows: readonly T[], get: (row: T) => number): Int32Array =>
    Int32Array.from(rows, get);
  const input: Stage2Input = {
    promptWeight: model.promptWeight,
    cachedWeight: model.cachedWeight,
    idleSeparate: model.idleSeparate,
    windows: {
      startS: f64(w, (x) => x.startS),
      lengthS: f64(w, (x) => x.lengthS),
      hostJ: f64(w, (x) => x.hostJ),
      overheadJ: f64(w, (x) => x.overheadJ),
      pue: f64(w, (x) => x.pue),
      pricePerKwh: f64(w, (x) => x.pricePerKwh),
      carbonGPerKwh: f64(w, (x) => x.carbonGPerKwh),
      gpuRatePerHour: f64(w, (x) => x.gpuRatePerHour),
      discount: f64(w, (x) => x.discount),
      embodiedGPerGpuHour: f64(w, (x) => x.embodiedGPerGpuHour),
    },
    readings: {
      window: i32(readings, (x) => x.window),
      energyJ: f64(readings, (x) => x.energyJ),
      coveredS: f64(readings, (x) => x.coveredS),
      idleW: f64(readings, (x) => x.idleW),
      ownerWorkload: i32(readings, (x) => x.ownerWorkload),
      ownerTenant: i32(readings, (x) => x.ownerTenant),
    },
    contributions: {
      window: i32(contributions, (x) => x.window),
      workload: i32(contributions, (x) => x.workload),
      tenant: i32(contributions, (x) => x.tenant),
      prompt: f64(contributions, (x) => x.prompt),
      cached: f64(contributions, (x) => x.cached),
      gen: f64(contributions, (x) => x.gen),
      requests: f64(contributions, (x) => x.requests),
      gpuStart: Int32Array.from(gpuStart),
      gpuCount: i32(contributions, (x) => x.gpus.length),
      gpuIndex: Int32Array.from(gpuIndex),
    },
  };
  return { input, readingIds: readings.map((r) => r.id) };
}

/** Sort keys for permutations: `permute(list, keys)` reorders any list by them. */
export const permutationKeysArb = fc.array(fc.nat(), { minLength: 64, maxLength: 64 });

export function permute<T>(list: readonly T[], keys: readonly number[]): T[] {
  return list
    .map((item, i) => ({ item, key: keys[i % keys.length], i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.item);
}

/** A permutation of 0..n-1 from sort keys: perm[old] = new. */
export function indexPermutation(n: number, keys: readonly number[]): number[] {
  const order = permute(
    Array.from({ length: n }, (_, i) => i),
    keys,
  );
  const perm = new Array<number>(n);
  order.forEach((old, pos) => {
    perm[old] = pos;
  });
  return perm;
}
