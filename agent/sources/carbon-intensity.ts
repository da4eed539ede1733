import { createSeriesSource, type SeriesKind } from "./series-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * Grid carbon intensity as a series → `carbon_g_per_kwh`. Units: g/kWh (default), kg/MWh
 * (the same number), lb/MWh (× 0.45359237). Several matching series are reported one by one,
 * keyed by their labels: an intensity is never summed.
 */
export const CARBON_INTENSITY: SeriesKind = {
  defaultUnit: "g/kWh",
  units: {
    "g/kWh": { metric: "carbon_g_per_kwh", scale: 1, combine: "each" },
    "kg/MWh": { metric: "carbon_g_per_kwh", scale: 1, combine: "each" },
    "lb/MWh": { metric: "carbon_g_per_kwh", scale: 0.45359237, combine: "each" },
  },
};

export function createCarbonIntensitySource(config: SourceConfig): Source {
  return createSeriesSource(config, CARBON_INTENSITY);
}
