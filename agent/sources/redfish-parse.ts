import { newScrape, usable } from "./common/values.js";
import type { Scrape } from "./types.js";

type Json = Record<string, unknown>;

/** A fetched set of Redfish resources: the body redfish-cdu records and replays. */
export interface RedfishBundle {
  resources: Json[];
}

/** A Redfish excerpt property → output metric and factor. */
type Mapping = readonly [property: string, metric: string, scale: number, allowNegative?: boolean];

const CONNECTOR: readonly Mapping[] = [
  ["HeatRemovedkW", "cdu_heat_removed_w", 1000],
  ["FlowLitersPerMinute", "cdu_flow_lpm", 1],
  ["SupplyTemperatureCelsius", "cdu_supply_temp_c", 1, true],
  ["ReturnTemperatureCelsius", "cdu_return_temp_c", 1, true],
  ["DeltaTemperatureCelsius", "cdu_delta_temp_c", 1, true],
];

const ENVIRONMENT: readonly Mapping[] = [
  ["PowerWatts", "cooling_power_w", 1],
  ["EnergyJoules", "cooling_energy_j", 1],
  ["EnergykWh", "cooling_energy_j", 3.6e6],
  ["TemperatureCelsius", "cdu_temp_c", 1, true],
];

/** Sensor ReadingType → metric and factor from its ReadingUnits. */
const SENSOR: Readonly<Record<string, readonly [string, number, boolean?]>> = {
  Heat: ["cdu_heat_removed_w", 1000],
  LiquidFlowLPM: ["cdu_flow_lpm", 1],
  Temperature: ["cdu_temp_c", 1, true],
  Power: ["cooling_power_w", 1],
  EnergyJoules: ["cooling_energy_j", 1],
  EnergykWh: ["cooling_energy_j", 3.6e6],
};

/**
 * Parses a Redfish cooling-unit bundle (or one bare resource) into series keyed by the
 * resource's `@odata.id`: heat removed (W), flow (L/min) and temperatures per coolant
 * connector; the unit's own power (`cooling_power_w`) and energy (`cooling_energy_j`) where
 * the vendor reports them (EnvironmentMetrics or Power/Energy sensors). A Sensor that an
 * excerpt already quotes (`DataSourceUri`) is skipped so no reading counts twice. A
 * missing or null `Reading` is a missing value. Unparsable JSON yields an empty scrape
 * with one discard. Pure.
 */
export function parseRedfishBundle(body: string, source: string, timeMs: number): Scrape {
  const scrape = newScrape(source, timeMs);
  let resources: Json[];
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isObject(parsed)) throw new Error("not an object");
    resources = Array.isArray(parsed.resources) ? parsed.resources.filter(isObject) : [parsed];
  } catch {
    scrape.discarded++;
    return scrape;
  }
  const quoted = new Set<string>();
  for (const r of resources) {
    for (const v of Object.values(r)) {
      if (isObject(v) && typeof v.DataSourceUri === "string") quoted.add(v.DataSourceUri);
    }
  }
  for (const r of resources) {
    const type = typeof r["@odata.type"] === "string" ? (r["@odata.type"] as string) : "";
    const key = typeof r["@odata.id"] === "string" ? (r["@odata.id"] as string) : "";
    if (type.startsWith("#CoolantConnector.")) readExcerpts(r, CONNECTOR, key, scrape);
    else if (type.startsWith("#EnvironmentMetrics.")) readExcerpts(r, ENVIRONMENT, key, scrape);
    else if (type.startsWith("#Sensor.") && !quoted.has(key)) readSensor(r, key, scrape);
  }
  return scrape;
}

function readExcerpts(r: Json, mappings: readonly Mapping[], key: string, scrape: Scrape): void {
  for (const [property, metric, scale, allowNegative] of mappings) {
    if (!(property in r)) continue;
    const raw = r[property];
    const reading = isObject(raw) ? raw.Reading : raw;
    push(scrape, metric, reading, scale, key, allowNegative);
  }
}

function readSensor(r: Json, key: string, scrape: Scrape): void {
  const map = typeof r.ReadingType === "string" ? SENSOR[r.ReadingType] : undefined;
  if (map === undefined) return;
  const [metric, scale, allowNegative] = map;
  // Heat is specified in kW; a vendor reporting W says so in ReadingUnits.
  const unitScale = r.ReadingType === "Heat" && r.ReadingUnits === "W" ? 1 : scale;
  push(scrape, metric, r.Reading, unitScale, key, allowNegative);
}

function push(
  scrape: Scrape,
  metric: string,
  reading: unknown,
  scale: number,
  key: string,
  allowNegative = false,
): void {
  const v = usable(typeof reading === "number" ? reading : Number.NaN, scrape, { allowNegative });
  if (v !== undefined) scrape.series.push({ metric, value: v * scale, key });
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
