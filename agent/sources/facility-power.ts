import { createSeriesSource, type SeriesKind } from "./series-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * Measured facility overhead (cooling plant, CDU pumps, chiller share) for this agent's
 * racks, as a power series (W, kW → `facility_power_w`) or a cumulative energy series
 * (J, Wh, kWh → `facility_energy_j`, one sample per matching series).
 */
export const FACILITY_POWER: SeriesKind = {
  defaultUnit: "W",
  units: {
    W: { metric: "facility_power_w", scale: 1, combine: "sum" },
    kW: { metric: "facility_power_w", scale: 1000, combine: "sum" },
    J: { metric: "facility_energy_j", scale: 1, combine: "each" },
    Wh: { metric: "facility_energy_j", scale: 3600, combine: "each" },
    kWh: { metric: "facility_energy_j", scale: 3.6e6, combine: "each" },
  },
};

export function createFacilityPowerSource(config: SourceConfig): Source {
  return createSeriesSource(config, FACILITY_POWER);
}
