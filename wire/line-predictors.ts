/**
 * The line columns that a batch's readings and prices predict (batch.proto, LineBlock).
 * Encoder and decoder share these formulas; the encoder keeps a prediction only when it
 * is bit-exact, so any input round-trips and kernel output travels small.
 */
import type { GpuReading, TokenCount } from "./gpu-reading.js";

export const J_PER_KWH = 3.6e6;
export const S_PER_HOUR = 3600;

/** fraction_ulps byte: 0 = none, else offset + FRACTION_BIAS with |offset| ≤ 7. */
export const FRACTION_BIAS = 8;
/** Offsets tried, nearest first. */
export const FRACTION_OFFSETS = [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7] as const;

/** The reading quantities that line columns are fractions of, in LineBlock order. */
export const FRACTION_COLUMNS = [
  "x_GpuEnergyJ",
  "x_IdleEnergyJ",
  "x_HostEnergyJ",
  "x_FacilityEnergyJ",
] as const;

export function fractionBases(r: GpuReading): readonly [number, number, number, number] {
  return [r.energyJ, Math.min(r.energyJ, r.idleW * r.coveredS), r.hostEnergyJ, r.facilityEnergyJ];
}

export const TOKEN_COLUMNS = [
  ["x_PromptTokens", "promptTokens"],
  ["x_CachedTokens", "cachedTokens"],
  ["x_GenerationTokens", "generationTokens"],
  ["x_Requests", "requests"],
] as const;

/** Past this many token rows a reading's look-ups go through a map (bounds a hostile batch). */
const SCAN_TOKENS = 16;

/**
 * First reading per (window start, GPU): the one a line's predictions refer to; and in it,
 * the first token row of a workload × tenant. Built once per batch on either side.
 */
export class ReadingIndex {
  // Window start → GPU → reading index; nested so no key string is built per look-up.
  private readonly byStart = new Map<number, Map<string, number>>();
  private readonly pairs = new Map<number, Map<string, TokenCount>>();

  constructor(readonly readings: readonly GpuReading[]) {
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i];
      let byGpu = this.byStart.get(r.windowStartS);
      if (byGpu === undefined) {
        byGpu = new Map();
        this.byStart.set(r.windowStartS, byGpu);
      }
      if (!byGpu.has(r.resourceId)) byGpu.set(r.resourceId, i);
    }
  }

  /** Index of the reading, or -1. */
  indexOf(startS: number, resourceId: string): number {
    return this.byStart.get(startS)?.get(resourceId) ?? -1;
  }

  get(startS: number, resourceId: string): GpuReading | undefined {
    const i = this.indexOf(startS, resourceId);
    return i < 0 ? undefined : this.readings[i];
  }

  /** The first token row of `workload` × `tenant` in reading `i` (-1: none). */
  tokens(i: number, workload: string, tenant: string): TokenCount | undefined {
    if (i < 0) return undefined;
    const list = this.readings[i].tokens;
    if (list.length <= SCAN_TOKENS) {
      for (let k = 0; k < list.length; k++) {
        const t = list[k];
        if (t.workload === workload && t.tenant === tenant) return t;
      }
      return undefined;
    }
    let m = this.pairs.get(i);
    if (m === undefined) {
      m = new Map();
      for (const t of list) {
        const key = `${t.workload}\u0000${t.tenant}`;
        if (!m.has(key)) m.set(key, t);
      }
      this.pairs.set(i, m);
    }
    return m.get(`${workload}\u0000${tenant}`);
  }
}
