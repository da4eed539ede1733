import { checkCommon } from "./common/config.js";
import { parseRapl, RaplReader } from "./rapl.js";
import { createSeriesSource, type SeriesKind } from "./series-source.js";
import type { Source, SourceConfig } from "./types.js";

export const DEFAULT_POWERCAP_ROOT = "/sys/class/powercap";

/** A PDU (or BMC) series for the whole host, GPUs included: W/kW → `host_power_w`, J/Wh/kWh → `host_energy_j`. */
export const HOST_POWER: SeriesKind = {
  defaultUnit: "W",
  units: {
    W: { metric: "host_power_w", scale: 1, combine: "sum" },
    kW: { metric: "host_power_w", scale: 1000, combine: "sum" },
    J: { metric: "host_energy_j", scale: 1, combine: "each" },
    Wh: { metric: "host_energy_j", scale: 3600, combine: "each" },
    kWh: { metric: "host_energy_j", scale: 3.6e6, combine: "each" },
  },
};

/**
 * Host power. With `url` (+ `metric`, `unit`): a PDU/BMC series that covers the whole host.
 * Without `url`: RAPL under `path` (default /sys/class/powercap), cumulative `host_energy_j`
 * keyed `rapl/<zone>` — CPU packages and DRAM only, so it is non-GPU energy already (see
 * rapl.ts for wrap-around handling).
 */
export function createHostPowerSource(config: SourceConfig): Source {
  if (config.url !== undefined) return createSeriesSource(config, HOST_POWER);
  checkCommon(config);
  const reader = new RaplReader(config.name, config.path ?? DEFAULT_POWERCAP_ROOT);
  return {
    config,
    fetch: () => reader.read(),
    parse: (body, timeMs) => parseRapl(body, config.name, timeMs),
  };
}
