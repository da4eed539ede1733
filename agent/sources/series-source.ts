import { SourceConfigError } from "./common/errors.js";
import { createExpositionSource } from "./common/exposition-source.js";
import {
  labelSignature,
  type MetricIndex,
  parseSelector,
  type Selector,
  selectorMatches,
} from "./common/lookup.js";
import { usable } from "./common/values.js";
import type { Scrape, Source, SourceConfig } from "./types.js";

/** What one configured unit becomes: the output metric, the factor to it, how series combine. */
export interface SeriesUnit {
  metric: string;
  scale: number;
  /**
   * `sum`: one sample, the sum of every matching series (power of several PSUs or outlets);
   * if any is unusable, none is emitted rather than a partial sum. `each`: one sample per
   * matching series, keyed by its labels (counters, which restart independently).
   */
  combine: "sum" | "each";
}

export interface SeriesKind {
  defaultUnit: string;
  units: Readonly<Record<string, SeriesUnit>>;
}

/**
 * A source that reads one configured series (`metric`, a name or `name{label="v"}`) from a
 * Prometheus/OpenMetrics endpoint and converts it by `unit`. Shared by host-power (PDU),
 * facility-power and carbon-intensity.
 */
export function createSeriesSource(config: SourceConfig, kind: SeriesKind): Source {
  const source = config.name;
  if (config.metric === undefined || config.metric === "") {
    throw new SourceConfigError(
      `sources[].metric is required for kind ${config.kind} (the series to read, e.g. "pdu_outlet_watts{outlet=\\"7\\"}")`,
      { source },
    );
  }
  const selector = parseSelector(config.metric, source);
  const unitName = config.unit ?? kind.defaultUnit;
  const unit = kind.units[unitName];
  if (unit === undefined) {
    const allowed = Object.keys(kind.units).join(", ");
    throw new SourceConfigError(`unit ${JSON.stringify(unitName)} is not one of ${allowed}`, {
      source,
    });
  }
  return createExpositionSource(config, (index, scrape) =>
    extractSeries(index, scrape, selector, unit),
  );
}

export function extractSeries(
  index: MetricIndex,
  scrape: Scrape,
  selector: Selector,
  unit: SeriesUnit,
): void {
  const matched = index.get(selector.name).filter((s) => selectorMatches(s, selector));
  if (matched.length === 0) return;
  if (unit.combine === "each") {
    for (const s of matched) {
      const v = usable(s.value, scrape);
      if (v === undefined) continue;
      const key = labelSignature(s.labels);
      scrape.series.push(
        key === "" || matched.length === 1
          ? { metric: unit.metric, value: v * unit.scale }
          : { metric: unit.metric, value: v * unit.scale, key },
      );
    }
    return;
  }
  let total = 0;
  for (const s of matched) {
    const v = usable(s.value, scrape);
    if (v === undefined) return;
    total += v;
  }
  scrape.series.push({ metric: unit.metric, value: total * unit.scale });
}
