import type { Scrape } from "../types.js";

/**
 * DCGM's INT64 "blank" sentinels (DCGM_INT64_BLANK = 0x7ffffffffffffff0 and the NOT_FOUND /
 * NOT_SUPPORTED / NOT_PERMISSIONED codes just above it) print as ≈ 9.2234e18. Any value this
 * large is a sentinel, never a reading.
 */
export const SENTINEL_MIN = 9.2e18;

/** Options for `usable`: temperatures may be negative, nothing else we read may. */
export interface UsableOptions {
  allowNegative?: boolean;
  /** Exclusive upper bound; e.g. DCGM's FP64 blank (2^47) for FP64 fields. */
  below?: number;
}

/**
 * `value` when it is a reading, else undefined with `scrape.discarded` counted: NaN, ±Inf,
 * sentinels, negatives (unless allowed), and values at or above `below`.
 */
export function usable(
  value: number | undefined,
  scrape: Pick<Scrape, "discarded">,
  options: UsableOptions = {},
): number | undefined {
  if (value === undefined) return undefined;
  const bad =
    !Number.isFinite(value) ||
    Math.abs(value) >= SENTINEL_MIN ||
    (!options.allowNegative && value < 0) ||
    (options.below !== undefined && value >= options.below);
  if (bad) {
    scrape.discarded++;
    return undefined;
  }
  return value;
}

export function newScrape(source: string, timeMs: number): Scrape {
  return { timeMs, source, gpus: [], tokens: [], series: [], discarded: 0 };
}
