/**
 * A ReadingChunk as kernel stage-2 input, and the kernel's output as RepricedLines. The
 * kernel's workload/tenant indices are pure labels, so they carry row numbers instead of
 * names: a usage line's label is its token row, an idle line's its reading (the owner),
 * which the store turns back into names. Each token row is one GPU's share already
 * (GpuReadingRow), so every contribution spans exactly one reading.
 */
import type { Kernel, Stage2Input, Stage2Output } from "../../kernel/src/types.js";
import type { ReadingChunk, RepricedLines } from "../store/types.js";
import type { PriceBook } from "./price-book.js";
import { windowParameters } from "./window-prices.js";

export interface Attribution {
  idleSeparate: boolean;
  promptWeight: number;
  cachedWeight: number;
}

function iota(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export function stage2Input(
  kernel: Kernel,
  chunk: ReadingChunk,
  book: PriceBook,
  attribution: Attribution,
): Stage2Input {
  const t = chunk.tokens;
  const rowOf = iota(chunk.count);
  const tokenRow = iota(t.count);
  const window = new Int32Array(t.count);
  for (let k = 0; k < t.count; k++) window[k] = chunk.group[t.reading[k]];
  return {
    promptWeight: attribution.promptWeight,
    cachedWeight: attribution.cachedWeight,
    idleSeparate: attribution.idleSeparate,
    windows: windowParameters(kernel, chunk, book),
    readings: {
      window: chunk.group,
      energyJ: chunk.energyJ,
      coveredS: chunk.coveredS,
      idleW: chunk.idleW,
      ownerWorkload: rowOf,
      ownerTenant: rowOf,
    },
    contributions: {
      window,
      workload: tokenRow,
      tenant: tokenRow,
      prompt: t.prompt,
      cached: t.cached,
      gen: t.gen,
      requests: t.requests,
      gpuStart: tokenRow,
      gpuCount: new Int32Array(t.count).fill(1),
      gpuIndex: t.reading,
    },
  };
}

export function repricedLines(out: Stage2Output): RepricedLines {
  return {
    count: out.count,
    reading: out.reading,
    source: out.workload,
    kind: out.kind,
    columns: {
      gpuEnergyJ: out.gpuEnergyJ,
      idleEnergyJ: out.idleEnergyJ,
      hostEnergyJ: out.hostEnergyJ,
      facilityEnergyJ: out.facilityEnergyJ,
      gpuSeconds: out.gpuSeconds,
      prompt: out.prompt,
      cached: out.cached,
      gen: out.gen,
      requests: out.requests,
      coverage: out.coverage,
      energyCost: out.energyCost,
      gpuTimeCost: out.gpuTimeCost,
      listCost: out.listCost,
      effectiveCost: out.effectiveCost,
      carbonG: out.carbonG,
    },
  };
}
