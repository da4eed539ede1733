import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRapl } from "../../../agent/sources/rapl.js";
import { createSource } from "../../../agent/sources/registry.js";
import type { SourceConfig } from "../../../agent/sources/types.js";

const root = mkdtempSync(join(tmpdir(), "tw-rapl-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RANGE = 262143328850;
function zone(id: string, name: string, energy: number) {
  mkdirSync(join(root, id), { recursive: true });
  writeFileSync(join(root, id, "name"), `${name}\n`);
  writeFileSync(join(root, id, "energy_uj"), `${energy}\n`);
  writeFileSync(join(root, id, "max_energy_range_uj"), `${RANGE}\n`);
}

describe("host-power from RAPL", () => {
  zone("intel-rapl:0", "package-0", 100_000_000);
  zone("intel-rapl:0:0", "core", 50_000_000);
  zone("intel-rapl:0:1", "dram", 7_000_000);
  zone("intel-rapl:1", "package-1", 200_000_000);
  zone("intel-rapl-mmio:0", "package-0", 100_000_000);
  const source = createSource({ name: "host", kind: "host-power", path: root });
  const fetchParse = async () => {
    const r = await source.fetch(new AbortController().signal);
    if (!r.ok) throw r.error;
    return source.parse(r.body, r.timeMs).series;
  };

  it("reads packages and DRAM, not cores or the mmio duplicate", async () => {
    expect(await fetchParse()).toEqual([
      { metric: "host_energy_j", value: 100, key: "rapl/intel-rapl:0" },
      { metric: "host_energy_j", value: 7, key: "rapl/intel-rapl:0:1" },
      { metric: "host_energy_j", value: 200, key: "rapl/intel-rapl:1" },
    ]);
  });

  it("turns a wrap-around into a monotonic counter, and replays the same from the body", async () => {
    writeFileSync(join(root, "intel-rapl:0", "energy_uj"), `${RANGE - 1_000_000}\n`);
    const before = (await fetchParse())[0].value;
    writeFileSync(join(root, "intel-rapl:0", "energy_uj"), "4000000\n");
    const r = await source.fetch(new AbortController().signal);
    if (!r.ok) throw r.error;
    const after = source.parse(r.body, r.timeMs).series[0].value;
    expect(after - before).toBeCloseTo(5, 6); // 1 J before the wrap + 4 J after it
    // parse is pure: the same body gives the same joules, whatever the source saw since.
    expect(parseRapl(r.body, "replay", 0).series[0].value).toBe(after);
  });

  it("prefers psys alone when the platform has it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-psys-"));
    try {
      for (const [id, name] of [
        ["intel-rapl:0", "package-0"],
        ["intel-rapl:1", "psys"],
      ]) {
        mkdirSync(join(dir, id));
        writeFileSync(join(dir, id, "name"), name);
        writeFileSync(join(dir, id, "energy_uj"), "3000000");
        writeFileSync(join(dir, id, "max_energy_range_uj"), String(RANGE));
      }
      const s = createSource({ name: "h", kind: "host-power", path: dir });
      const r = await s.fetch(new AbortController().signal);
      expect(r.ok && s.parse(r.body, 0).series).toEqual([
        { metric: "host_energy_j", value: 3, key: "rapl/intel-rapl:1" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no powercap directory is a permanent read error", async () => {
    const s = createSource({ name: "h", kind: "host-power", path: join(root, "absent") });
    expect(await s.fetch(new AbortController().signal)).toMatchObject({
      ok: false,
      retryable: false,
      error: { code: "TW_ERR_SOURCE_READ" },
    });
  });

  it("rejects malformed body lines", () => {
    const s = parseRapl("intel-rapl:0 package-0 5 4 0\nintel-rapl:1 package-1 x 9 0\n", "h", 0);
    expect(s.series).toEqual([]);
    expect(s.discarded).toBe(2);
  });
});

describe("series sources (PDU host power, facility power, carbon intensity)", () => {
  const body = [
    'pdu_outlet_watts{outlet="7",host="h3"} 1800',
    'pdu_outlet_watts{outlet="8",host="h3"} 1750.5',
    'pdu_outlet_watts{outlet="9",host="h4"} 900',
    'pdu_outlet_energy_kwh_total{outlet="7"} 1.5',
    'pdu_outlet_energy_kwh_total{outlet="8"} 2.5',
    "cdu_power_kw 12.5",
    'grid_g_per_kwh{zone="DE"} 351.2',
    "broken_watts NaN",
  ].join("\n");
  const parse = (config: Partial<SourceConfig> & Pick<SourceConfig, "kind">) =>
    createSource({ name: "s", url: "http://pdu/metrics", ...config }).parse(body, 0);

  it("sums a PDU power selector into host_power_w", () => {
    expect(parse({ kind: "host-power", metric: 'pdu_outlet_watts{host="h3"}' }).series).toEqual([
      { metric: "host_power_w", value: 3550.5 },
    ]);
  });

  it("keeps energy counters one per series, converted to joules", () => {
    expect(
      parse({ kind: "host-power", metric: "pdu_outlet_energy_kwh_total", unit: "kWh" }).series,
    ).toEqual([
      { metric: "host_energy_j", value: 5.4e6, key: 'outlet="7"' },
      { metric: "host_energy_j", value: 9e6, key: 'outlet="8"' },
    ]);
  });

  it("facility power in kW", () => {
    expect(parse({ kind: "facility-power", metric: "cdu_power_kw", unit: "kW" }).series).toEqual([
      { metric: "facility_power_w", value: 12500 },
    ]);
  });

  it("carbon intensity", () => {
    expect(parse({ kind: "carbon-intensity", metric: "grid_g_per_kwh" }).series).toEqual([
      { metric: "carbon_g_per_kwh", value: 351.2 },
    ]);
    expect(
      parse({ kind: "carbon-intensity", metric: "grid_g_per_kwh", unit: "lb/MWh" }).series[0].value,
    ).toBeCloseTo(159.302, 3);
  });

  it("an unusable value emits nothing and is counted; an absent series emits nothing", () => {
    const s = parse({ kind: "facility-power", metric: "broken_watts" });
    expect(s.series).toEqual([]);
    expect(s.discarded).toBe(1);
    expect(parse({ kind: "facility-power", metric: "absent_watts" }).series).toEqual([]);
  });
});
