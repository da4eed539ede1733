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

/** First reading per (window start, GPU): the one a line's predictions refer to. */
export class ReadingIndex {
  private readonly byKey = new Map<string, GpuReading>();

  constructor(readings: readonly GpuReading[]) {
    for (const r of readings) {
      const k = `${r.windowStartS}\u0000${r.resourceId}`;
      if (!this.byKey.has(k)) this.byKey.set(k, r);
    }
  }

  get(startS: number, resourceId: string): GpuReading | undefined {
    return this.byKey.get(`${startS}\u0000${resourceId}`);
  }
}

/** The first token row of a workload × tenant in a reading. */
export function findTokens(
  r: GpuReading | undefined,
  workload: string,
  tenant: string,
): TokenCount | undefined {
  return r?.tokens.find((t) => t.workload === workload && t.tenant === tenant);
}
