/**
 * The invariants of ../shared/DESIGN.md ("Invariants every implementation must hold") as
 * property tests of stage 2, against every available kernel: conservation per window,
 * independence of the order of GPUs, workloads and tenants, token scaling, power scaling,
 * and no NaN or negative output. Stage 1 is in properties-stage1.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LINE_F64_COLUMNS,
  type LineF64Column,
  type Stage2Input,
  type Stage2Output,
} from "../../kernel/src/types.js";
import {
  buildStage2,
  indexPermutation,
  permutationKeysArb,
  permute,
  type Stage2Model,
  stage2ModelArb,
} from "../helpers/kernel-arbitraries.js";
import { availableKernels, close, copyStage2 } from "../helpers/kernel-impls.js";

const RUNS = { numRuns: 300 };
const J_PER_KWH = 3.6e6;

type LineRecord = Record<LineF64Column, number>;

/** Lines keyed by reading id × workload × tenant × kind (each key appears once). */
function byKey(
  out: Stage2Output,
  readingIds: number[],
  workloadBack: (w: number) => number = (w) => w,
  tenantBack: (t: number) => number = (t) => t,
): Map<string, LineRecord> {
  const lines = new Map<string, LineRecord>();
  for (let i = 0; i < out.count; i++) {
    const key = [
      readingIds[out.reading[i]],
      workloadBack(out.workload[i]),
      tenantBack(out.tenant[i]),
      out.kind[i],
    ].join("/");
    expect(lines.has(key), `duplicate line ${key}`).toBe(false);
    const rec = {} as LineRecord;
    for (const col of LINE_F64_COLUMNS) rec[col] = out[col][i];
    lines.set(key, rec);
  }
  return lines;
}

function expectSameLines(
  a: Map<string, LineRecord>,
  b: Map<string, LineRecord>,
  cols: readonly LineF64Column[] = LINE_F64_COLUMNS,
  scale: (col: LineF64Column) => number = () => 1,
): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  // Cancellation (E_dyn = E − E_idle with E ≈ E_idle) leaves values that are zero in one run
  // and 1e-16 of the GPU's energy in the other: compare near zero against the column's scale.
  const floor = (col: LineF64Column) =>
    1e-12 + 1e-12 * Math.max(0, ...[...a.values()].map((l) => Math.abs(l[col] * scale(col))));
  for (const [key, la] of a) {
    const lb = b.get(key)!;
    for (const col of cols) {
      const want = la[col] * scale(col);
      expect(close(lb[col], want, 1e-9, floor(col)), `${key} ${col}: ${lb[col]} vs ${want}`).toBe(
        true,
      );
    }
  }
}

interface WindowSums {
  gpuEnergyJ: number;
  idleEnergyJ: number;
  hostEnergyJ: number;
  facilityEnergyJ: number;
  gpuSeconds: number;
  prompt: number;
  cached: number;
  gen: number;
  requests: number;
}

/** What was measured and priced per window, straight from the model. */
function expectedSums(m: Stage2Model, w: number): WindowSums {
  const win = m.windows[w];
  const readings = m.readings.filter((r) => r.window === w);
  const contributions = m.contributions.filter((c) => c.window === w);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const gpu = sum(readings.map((r) => r.energyJ));
  const host = readings.length > 0 ? win.hostJ : 0;
  const it = gpu + host;
  let facility = it * win.pue;
  if (!Number.isNaN(win.overheadJ)) facility = readings.length > 0 ? it + win.overheadJ : 0;
  return {
    gpuEnergyJ: gpu,
    idleEnergyJ: sum(readings.map((r) => Math.min(r.energyJ, r.idleW * r.coveredS))),
    hostEnergyJ: host,
    facilityEnergyJ: facility,
    gpuSeconds: readings.length * win.lengthS,
    prompt: sum(contributions.map((c) => c.prompt)),
    cached: sum(contributions.map((c) => c.cached)),
    gen: sum(contributions.map((c) => c.gen)),
    requests: sum(contributions.map((c) => c.requests)),
  };
}

function lineSums(input: Stage2Input, out: Stage2Output, w: number): Record<LineF64Column, number> {
  const sums = {} as Record<LineF64Column, number>;
  for (const col of LINE_F64_COLUMNS) sums[col] = 0;
  for (let i = 0; i < out.count; i++) {
    if (input.readings.window[out.reading[i]] !== w) continue;
    for (const col of LINE_F64_COLUMNS) sums[col] += out[col][i];
  }
  return sums;
}

function expectClose(actual: number, expected: number, what: string): void {
  expect(close(actual, expected), `${what}: ${actual} vs ${expected}`).toBe(true);
}

function relabel(m: Stage2Model, wl: number[], tn: number[]): Stage2Model {
  const w = (x: number) => (x < 0 ? x : wl[x]);
  const t = (x: number) => (x < 0 ? x : tn[x]);
  return {
    ...m,
    readings: m.readings.map((r) => ({
      ...r,
      ownerWorkload: w(r.ownerWorkload),
      ownerTenant: t(r.ownerTenant),
    })),
    contributions: m.contributions.map((c) => ({
      ...c,
      workload: w(c.workload),
      tenant: t(c.tenant),
    })),
  };
}

const kernels = await availableKernels();

describe.each(kernels)("stage 2 invariants ($name)", ({ kernel }) => {
  it("conserves energy, GPU time, tokens, cost and carbon per window", () => {
    fc.assert(
      fc.property(stage2ModelArb(), (m) => {
        const { input } = buildStage2(m);
        const out = kernel.attribute(input);
        m.windows.forEach((win, w) => {
          const want = expectedSums(m, w);
          const got = lineSums(input, out, w);
          for (const col of Object.keys(want) as Array<keyof WindowSums>) {
            expectClose(got[col], want[col], `window ${w} ${col}`);
          }
          const kwh = want.facilityEnergyJ / J_PER_KWH;
          const hours = want.gpuSeconds / 3600;
          const energyCost = kwh * win.pricePerKwh;
          const list = energyCost + hours * win.gpuRatePerHour;
          expectClose(got.energyCost, energyCost, `window ${w} energyCost`);
          expectClose(got.gpuTimeCost, hours * win.gpuRatePerHour, `window ${w} gpuTimeCost`);
          expectClose(got.listCost, list, `window ${w} listCost`);
          expectClose(got.effectiveCost, list * (1 - win.discount), `window ${w} effectiveCost`);
          const carbon = kwh * win.carbonGPerKwh + hours * win.embodiedGPerGpuHour;
          expectClose(got.carbonG, carbon, `window ${w} carbonG`);
        });
      }),
      RUNS,
    );
  });

  it("prices each line consistently and never outputs NaN, infinity or a negative", () => {
    fc.assert(
      fc.property(stage2ModelArb(), (m) => {
        const { input } = buildStage2(m);
        const out = kernel.attribute(input);
        for (let i = 0; i < out.count; i++) {
          for (const col of LINE_F64_COLUMNS) {
            const v = out[col][i];
            expect(Number.isFinite(v) && v >= 0, `line ${i} ${col} = ${v}`).toBe(true);
          }
          expect(out.coverage[i]).toBeLessThanOrEqual(1);
          expect(out.idleEnergyJ[i]).toBeLessThanOrEqual(out.gpuEnergyJ[i] * (1 + 1e-12) + 1e-12);
          expectClose(
            out.listCost[i],
            out.energyCost[i] + out.gpuTimeCost[i],
            "list = energy + GPU",
          );
          const w = input.readings.window[out.reading[i]];
          const d = input.windows.discount[w];
          expectClose(out.effectiveCost[i], out.listCost[i] * (1 - d), "effective");
        }
      }),
      RUNS,
    );
  });

  it("does not depend on the order of GPUs, workloads, tenants or contributions", () => {
    fc.assert(
      fc.property(stage2ModelArb(), permutationKeysArb, (m, keys) => {
        const base = buildStage2(m);
        const a = byKey(copyStage2(kernel.attribute(base.input)), base.readingIds);
        const wl = indexPermutation(m.nWorkloads, keys);
        const tn = indexPermutation(m.nTenants, keys.slice(7));
        const shuffled = relabel(
          {
            ...m,
            readings: permute(m.readings, keys.slice(3)),
            contributions: permute(m.contributions, keys.slice(11)),
          },
          wl,
          tn,
        );
        const built = buildStage2(shuffled);
        const back = (perm: number[]) => (x: number) => (x < 0 ? x : perm.indexOf(x));
        const b = byKey(kernel.attribute(built.input), built.readingIds, back(wl), back(tn));
        expectSameLines(a, b);
      }),
      RUNS,
    );
  });

  it("changes no energy or GPU time when all tokens scale", () => {
    const k = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(stage2ModelArb(), k, (m, factor) => {
        const base = buildStage2(m);
        const a = byKey(copyStage2(kernel.attribute(base.input)), base.readingIds);
        const scaled = buildStage2({
          ...m,
          contributions: m.contributions.map((c) => ({
            ...c,
            prompt: c.prompt * factor,
            cached: c.cached * factor,
            gen: c.gen * factor,
          })),
        });
        const b = byKey(kernel.attribute(scaled.input), scaled.readingIds);
        const energyCols: LineF64Column[] = [
          "gpuEnergyJ",
          "idleEnergyJ",
          "hostEnergyJ",
          "facilityEnergyJ",
          "gpuSeconds",
          "energyCost",
          "gpuTimeCost",
          "carbonG",
        ];
        expectSameLines(a, b, energyCols);
        expectSameLines(a, b, ["prompt", "cached", "gen"], () => factor);
      }),
      RUNS,
    );
  });

  it("scales energy, energy cost and energy carbon linearly with power", () => {
    const k = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(stage2ModelArb(), k, (m0, factor) => {
        // Embodied carbon is per GPU-hour, not per joule: leave it out to see E·I alone.
        const m = { ...m0, windows: m0.windows.map((w) => ({ ...w, embodiedGPerGpuHour: 0 })) };
        const base = buildStage2(m);
        const a = byKey(copyStage2(kernel.attribute(base.input)), base.readingIds);
        const scaled = buildStage2({
          ...m,
          windows: m.windows.map((w) => ({
            ...w,
            hostJ: w.hostJ * factor,
            overheadJ: w.overheadJ * factor,
          })),
          readings: m.readings.map((r) => ({
            ...r,
            energyJ: r.energyJ * factor,
            idleW: r.idleW * factor,
          })),
        });
        const b = byKey(kernel.attribute(scaled.input), scaled.readingIds);
        const linear: LineF64Column[] = [
          "gpuEnergyJ",
          "idleEnergyJ",
          "hostEnergyJ",
          "facilityEnergyJ",
          "energyCost",
          "carbonG",
        ];
        expectSameLines(a, b, linear, () => factor);
        expectSameLines(a, b, ["gpuSeconds", "gpuTimeCost", "prompt", "gen", "requests"]);
      }),
      RUNS,
    );
  });
});
