import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRedfishBundle } from "../../../agent/sources/redfish-parse.js";
import { createSource } from "../../../agent/sources/registry.js";
import { type FixtureServer, startFixtureServer } from "../../helpers/fixture-server.js";
import { HAVE_SHARED, readShared, warnIfNoShared } from "../../helpers/shared-fixtures.js";

warnIfNoShared("sources/redfish-cdu");

const CDU = "/redfish/v1/ThermalEquipment/CDUs/1";
const mock = (name: string) => readShared(`inference/redfish-cdu/${name}.json`);
const collection = (members: string[]) =>
  JSON.stringify({
    "@odata.type": "#CoolantConnectorCollection.CoolantConnectorCollection",
    Members: members.map((m) => ({ "@odata.id": m })),
  });

describe.skipIf(!HAVE_SHARED)("redfish-cdu against the DMTF mockups", () => {
  let server: FixtureServer;
  beforeAll(async () => {
    const json = (body: string) => ({ body, contentType: "application/json" });
    server = await startFixtureServer({
      [CDU]: json(mock("ThermalEquipment_CDUs_1")),
      // The mockup set has no collection files; these two are hand-written.
      [`${CDU}/PrimaryCoolantConnectors`]: json(collection([`${CDU}/PrimaryCoolantConnectors/1`])),
      [`${CDU}/SecondaryCoolantConnectors`]: json(
        collection([`${CDU}/SecondaryCoolantConnectors/1`]),
      ),
      [`${CDU}/PrimaryCoolantConnectors/1`]: json(
        mock("ThermalEquipment_CDUs_1_PrimaryCoolantConnectors_1"),
      ),
      [`${CDU}/SecondaryCoolantConnectors/1`]: json(
        mock("ThermalEquipment_CDUs_1_SecondaryCoolantConnectors_1"),
      ),
      [`${CDU}/EnvironmentMetrics`]: json(mock("ThermalEquipment_CDUs_1_EnvironmentMetrics")),
    });
  });
  afterAll(() => server?.close());

  it("crawls the unit, its connectors and metrics into one replayable bundle", async () => {
    const source = createSource({ name: "cdu", kind: "redfish-cdu", url: server.url(CDU) });
    const r = await source.fetch(new AbortController().signal);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = source.parse(r.body, r.timeMs);
    const get = (metric: string, key: string) =>
      s.series.find((x) => x.metric === metric && x.key === key)?.value;
    const primary = `${CDU}/PrimaryCoolantConnectors/1`;
    const secondary = `${CDU}/SecondaryCoolantConnectors/1`;
    expect(get("cdu_heat_removed_w", primary)).toBeCloseTo(25480, 6);
    expect(get("cdu_heat_removed_w", secondary)).toBeCloseTo(25310, 6);
    expect(get("cdu_flow_lpm", primary)).toBe(42);
    expect(get("cdu_supply_temp_c", primary)).toBe(30);
    expect(get("cdu_return_temp_c", primary)).toBe(40);
    expect(get("cdu_delta_temp_c", primary)).toBe(10);
    expect(get("cdu_temp_c", `${CDU}/EnvironmentMetrics`)).toBe(24);
    // This mockup reports no CDU power: none is invented.
    expect(s.series.filter((x) => x.metric.startsWith("cooling_"))).toEqual([]);
    expect(s.discarded).toBe(0);
    expect(parseRedfishBundle(r.body, "cdu", r.timeMs)).toEqual(s);
  });

  it("a failed sub-resource fails the fetch", async () => {
    server.routes.delete(`${CDU}/EnvironmentMetrics`);
    const source = createSource({ name: "cdu", kind: "redfish-cdu", url: server.url(CDU) });
    const r = await source.fetch(new AbortController().signal);
    expect(r).toMatchObject({ ok: false, retryable: false, error: { code: "TW_ERR_SOURCE_HTTP" } });
  });

  it("sensors: reads Heat in kW and skips a sensor an excerpt already quotes", () => {
    const sensor = JSON.parse(mock("Chassis_CDU_Sensors_PrimaryHeatLoad"));
    const connector = JSON.parse(mock("ThermalEquipment_CDUs_1_PrimaryCoolantConnectors_1"));
    const alone = parseRedfishBundle(JSON.stringify(sensor), "cdu", 0);
    expect(alone.series).toEqual([
      { metric: "cdu_heat_removed_w", value: 25480, key: sensor["@odata.id"] },
    ]);
    const both = parseRedfishBundle(JSON.stringify({ resources: [sensor, connector] }), "cdu", 0);
    expect(both.series.filter((x) => x.metric === "cdu_heat_removed_w")).toHaveLength(1);
  });

  it("reads the unit's power and energy where the vendor reports them", () => {
    const env = {
      "@odata.type": "#EnvironmentMetrics.v1_5_0.EnvironmentMetrics",
      "@odata.id": `${CDU}/EnvironmentMetrics`,
      PowerWatts: { Reading: 1830.5 },
      EnergykWh: { Reading: 56438 },
      TemperatureCelsius: { Reading: null },
    };
    const s = parseRedfishBundle(JSON.stringify(env), "cdu", 0);
    expect(s.series).toEqual([
      { metric: "cooling_power_w", value: 1830.5, key: `${CDU}/EnvironmentMetrics` },
      { metric: "cooling_energy_j", value: 56438 * 3.6e6, key: `${CDU}/EnvironmentMetrics` },
    ]);
    expect(s.discarded).toBe(1);
  });

  it("a body that is not JSON is an empty scrape with one discard", () => {
    expect(parseRedfishBundle("<html>", "cdu", 0)).toMatchObject({ series: [], discarded: 1 });
  });
});
