/**
 * A chunk's stage-2 window parameters (one window per agent × window start): energy and host
 * sums from the readings, prices from the book. Prices and intensities are time-weighted
 * over each window with the kernel's `stepMean`, once per distinct window (start, length):
 * every agent shares the same few windows of a chunk.
 */
import { expandSchedule, flatSeries } from "../../kernel/src/prices.js";
import type { Kernel, Stage2Windows, StepSeries } from "../../kernel/src/types.js";
import { LANES } from "../../kernel/src/usage-line.js";
import type { ReadingChunk } from "../store/types.js";
import type { EnergyPrice, PriceBook, SeriesPoint } from "./price-book.js";

const DAY_S = 86400;

/** The points that matter on [fromS, toS): the one holding at fromS, then later ones. */
function sliceSeries(points: readonly SeriesPoint[], fromS: number, toS: number): StepSeries {
  let first = 0;
  while (first + 1 < points.length && points[first + 1].fromS <= fromS) first++;
  const kept = points.slice(first).filter((p, i) => i === 0 || p.fromS < toS);
  return {
    timeS: Float64Array.from(kept, (p) => p.fromS),
    value: Float64Array.from(kept, (p) => p.value),
  };
}

export function energySeries(e: EnergyPrice, fromS: number, toS: number): StepSeries {
  if (e.kind === "flat") return flatSeries(e.perKwh);
  if (e.kind === "series") return sliceSeries(e.points, fromS, toS);
  return expandSchedule(e.entries, e.timezone, fromS, toS, "energy_schedule");
}

function carbonSeries(book: PriceBook, fromS: number, toS: number): StepSeries {
  const c = book.carbon;
  return c.kind === "flat" ? flatSeries(c.gPerKwh) : sliceSeries(c.points, fromS, toS);
}

/** Time-weighted means of `series` per group, computed once per distinct (start, length). */
function perWindowMean(
  kernel: Kernel,
  series: StepSeries,
  startS: Float64Array,
  lengthS: Float64Array,
): Float64Array {
  const out = new Float64Array(startS.length);
  const byLength = new Map<number, { starts: number[]; first: number[] }>();
  const distinct = new Map<string, number>();
  const slot: number[] = new Array(startS.length);
  for (let g = 0; g < startS.length; g++) {
    const key = `${startS[g]}:${lengthS[g]}`;
    let at = distinct.get(key);
    if (at === undefined) {
      const entry = byLength.get(lengthS[g]) ?? { starts: [], first: [] };
      byLength.set(lengthS[g], entry);
      at = distinct.size;
      distinct.set(key, at);
      entry.starts.push(startS[g]);
      entry.first.push(at);
    }
    slot[g] = at;
  }
  const values = new Float64Array(distinct.size);
  for (const [length, { starts, first }] of byLength) {
    const means = kernel.stepMean(series, Float64Array.from(starts), length);
    for (let i = 0; i < first.length; i++) values[first[i]] = means[i];
  }
  for (let g = 0; g < startS.length; g++) out[g] = values[slot[g]];
  return out;
}

export function windowParameters(
  kernel: Kernel,
  chunk: ReadingChunk,
  book: PriceBook,
): Stage2Windows {
  const n = chunk.count;
  const groups = n === 0 ? 0 : chunk.group[n - 1] + 1;
  const w: Stage2Windows = {
    startS: new Float64Array(groups),
    lengthS: new Float64Array(groups),
    hostJ: new Float64Array(groups),
    overheadJ: new Float64Array(groups),
    pue: new Float64Array(groups).fill(book.pue ?? 1),
    pricePerKwh: new Float64Array(groups),
    carbonGPerKwh: new Float64Array(groups),
    gpuRatePerHour: new Float64Array(groups).fill(book.gpuHour),
    discount: new Float64Array(groups),
    embodiedGPerGpuHour: new Float64Array(groups).fill(book.embodiedGPerGpuHour),
  };
  const discountOf = LANES.map((l) => book.laneDiscount[l]);
  for (let i = 0; i < n; i++) {
    const g = chunk.group[i];
    w.startS[g] = chunk.windowStartS[i];
    w.lengthS[g] = chunk.windowS[i];
    w.hostJ[g] += chunk.hostEnergyJ[i];
    // What the agent measured or applied above IT energy; spread again by IT share.
    w.overheadJ[g] += chunk.facilityEnergyJ[i] - chunk.energyJ[i] - chunk.hostEnergyJ[i];
    const lane = chunk.lane[i];
    w.discount[g] = lane >= 0 ? discountOf[lane] : 0;
  }
  for (let g = 0; g < groups; g++) {
    // Rounding can leave a hair below zero; the kernel takes non-negative energies only.
    w.overheadJ[g] = book.pue === undefined ? Math.max(0, w.overheadJ[g]) : Number.NaN;
  }
  const { fromS, toS } = chunk.range;
  w.pricePerKwh = perWindowMean(
    kernel,
    energySeries(book.energy, fromS, toS + DAY_S),
    w.startS,
    w.lengthS,
  );
  w.carbonGPerKwh = perWindowMean(
    kernel,
    carbonSeries(book, fromS, toS + DAY_S),
    w.startS,
    w.lengthS,
  );
  return w;
}
