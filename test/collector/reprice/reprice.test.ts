import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFocus, defaultFocusDir } from "../../../collector/export/focus/check.js";
import { exportFocus } from "../../../collector/export/focus/export.js";
import { parsePriceBook } from "../../../collector/reprice/price-book.js";
import { reprice } from "../../../collector/reprice/reprice.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type { GpuReadingRow } from "../../../collector/store/types.js";
import { loadWasmKernel } from "../../../kernel/src/wasm-kernel.js";
import { generateUsage, toBatches } from "../../helpers/usage-lines.js";
import { linesOf } from "./lines-of.js";

const kernel = loadWasmKernel();
const dir = mkdtempSync(join(tmpdir(), "tw-reprice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 1, 4, 59, 0) / 1000; // 06:59 in Berlin (CEST)

/** One GPU, two windows: 600 W, 60 W host, PUE 1.2, one tenant's tokens. */
function handReadings(): GpuReadingRow[] {
  return [0, 1].map((w) => ({
    agentId: "host-a",
    windowStartS: T0 + 60 * w,
    windowS: 60,
    resourceId: "GPU-00000000-0000-0000-0000-000000000001",
    gpuModel: "NVIDIA H100 80GB HBM3",
    energyJ: 36_000,
    coveredS: 60,
    idleW: 100,
    meanPowerW: 600,
    meanUtilization: 0.9,
    hostEnergyJ: 3_600,
    facilityEnergyJ: 47_520,
    ownerWorkload: "chat",
    ownerTenant: "acme",
    rejectedSamples: 0,
    tokens: [
      {
        workload: "chat",
        tenant: "acme",
        promptTokens: 0,
        cachedTokens: 0,
        generationTokens: 1000,
        requests: 4,
      },
    ],
    metro: "fra",
    hall: "fra2",
    rack: "r1",
    lane: "reserved",
    sovereigntyZone: "EU",
  }));
}

const HAND_BOOK = `
currency: EUR
timezone: Europe/Berlin
energy_schedule:
  - { from: "07:00", to: "22:00", per_kwh: 0.30 }
  - { from: "22:00", to: "07:00", per_kwh: 0.10 }
gpu_hour: 3.0
lane_discount: { reserved: 0.25 }
carbon_g_per_kwh: 400
embodied_g_per_gpu_hour: 30
`;

describe("reprice: hand-computed prices", () => {
  const store = new DuckDbStore({ path: join(dir, "hand.duckdb") });
  beforeAll(async () => {
    await store.start();
    await store.ingest({
      agentId: "host-a",
      bootId: "b",
      seq: 1,
      lines: [],
      readings: handReadings(),
    });
  });
  afterAll(() => store.shutdown());

  it("prices each window by the book, time of use in local time", async () => {
    const result = await reprice({
      store,
      kernel,
      book: parsePriceBook(HAND_BOOK, "hand.yaml"),
      range: { fromS: T0, toS: T0 + 120 },
      version: "hand-1",
    });
    expect(result.ok, result.ok ? "" : result.error.message).toBe(true);
    const lines = await linesOf(store, "hand-1");
    expect(lines).toHaveLength(2);
    // facility 47,520 J = 0.0132 kWh; 60 GPU-seconds = 1/60 GPU-hour.
    for (const [i, perKwh] of [0.1, 0.3].entries()) {
      const l = lines[i];
      expect(l.x_FacilityEnergyJ).toBeCloseTo(47_520, 6);
      expect(l.x_GpuSeconds).toBeCloseTo(60, 9);
      expect(l.x_EnergyCost).toBeCloseTo(0.0132 * perKwh, 12);
      expect(l.x_GpuTimeCost).toBeCloseTo(0.05, 12);
      expect(l.ListCost).toBeCloseTo(0.0132 * perKwh + 0.05, 12);
      expect(l.EffectiveCost).toBeCloseTo((0.0132 * perKwh + 0.05) * 0.75, 12);
      expect(l.x_CarbonG).toBeCloseTo(0.0132 * 400 + 30 / 60, 9);
      expect(l.BillingCurrency).toBe("EUR");
      expect(l.x_Workload).toBe("chat");
      expect(l.SubAccountId).toBe("acme");
      expect(l.x_Lane).toBe("reserved");
      expect(l.x_GenerationTokens).toBe(1000);
    }
    expect(lines[0].ChargePeriodStart).toBe("2025-06-01T04:59:00Z");
    expect(lines[0].ChargePeriodEnd).toBe("2025-06-01T05:00:00Z");
  });

  it("pue in the book replaces the measured facility energy", async () => {
    const book = parsePriceBook(`${HAND_BOOK}pue: 1.5\n`, "hand.yaml");
    const result = await reprice({
      store,
      kernel,
      book,
      range: { fromS: T0, toS: T0 + 60 },
      version: "hand-pue",
    });
    expect(result.ok).toBe(true);
    const [l] = await linesOf(store, "hand-pue");
    expect(l.x_FacilityEnergyJ).toBeCloseTo(39_600 * 1.5, 6);
  });
});

const BOOK_A = `
currency: USD
energy_per_kwh: 0.12
gpu_hour: 2.1
carbon_g_per_kwh: 350
embodied_g_per_gpu_hour: 25
`;
const BOOK_B = `
currency: USD
timezone: UTC
energy_schedule:
  - { from: "06:30", to: "07:30", per_kwh: 0.40 }
  - { from: "07:30", to: "06:30", per_kwh: 0.05 }
gpu_hour: 1.7
lane_discount: { reserved: 0.3, sovereign: 0.15 }
carbon_series:
  - { from: "2025-06-01T00:00:00Z", g_per_kwh: 300 }
  - { from: "2025-06-01T07:00:00Z", g_per_kwh: 200 }
embodied_g_per_gpu_hour: 40
`;

describe("reprice: generated history", () => {
  const store = new DuckDbStore({ path: join(dir, "gen.duckdb") });
  const data = generateUsage({ windows: 150 });
  const start = Date.UTC(2025, 5, 1, 6, 0, 0) / 1000;
  const range = { fromS: start, toS: start + 150 * 60 };
  beforeAll(async () => {
    await store.start();
    for (const b of toBatches(data, 5000)) await store.ingest(b);
  });
  afterAll(() => store.shutdown());

  it("changes costs and nothing else", async () => {
    const a = await reprice({
      store,
      kernel,
      book: parsePriceBook(BOOK_A, "a"),
      range,
      version: "A",
      readingsPerChunk: 100,
    });
    const b = await reprice({
      store,
      kernel,
      book: parsePriceBook(BOOK_B, "b"),
      range,
      version: "B",
    });
    expect(a.ok && b.ok).toBe(true);
    const la = await linesOf(store, "A");
    const lb = await linesOf(store, "B");
    expect(la.length).toBe(lb.length);
    expect(la.length).toBeGreaterThan(data.readings.length);
    const key = (l: (typeof la)[number]) =>
      [
        l.x_AgentId,
        l.ChargePeriodStart,
        l.ResourceId,
        l.x_Workload,
        l.SubAccountId,
        l.x_LineKind,
      ].join("|");
    const byKey = new Map(la.map((l) => [key(l), l]));
    const discount: Record<string, number> = { reserved: 0.3, sovereign: 0.15 };
    for (const l of lb) {
      const o = byKey.get(key(l));
      expect(o, key(l)).toBeDefined();
      if (o === undefined) continue;
      for (const f of [
        "x_GpuEnergyJ",
        "x_IdleEnergyJ",
        "x_HostEnergyJ",
        "x_FacilityEnergyJ",
        "x_GpuSeconds",
        "x_PromptTokens",
        "x_CachedTokens",
        "x_GenerationTokens",
        "x_Requests",
        "x_Coverage",
      ] as const) {
        expect(l[f]).toBe(o[f]);
      }
      for (const f of [
        "x_Model",
        "RegionId",
        "AvailabilityZone",
        "x_Rack",
        "x_Lane",
        "x_SovereigntyZone",
        "x_GpuModel",
        "ChargePeriodEnd",
      ] as const) {
        expect(l[f]).toBe(o[f]);
      }
      const s = Date.parse(l.ChargePeriodStart) / 1000;
      const minute = (s / 60) % 1440;
      const price = minute >= 390 && minute < 450 ? 0.4 : 0.05;
      const carbon = s >= Date.UTC(2025, 5, 1, 7) / 1000 ? 200 : 300;
      const kwh = l.x_FacilityEnergyJ / 3.6e6;
      const h = l.x_GpuSeconds / 3600;
      const list = kwh * price + h * 1.7;
      expect(l.x_EnergyCost).toBeCloseTo(kwh * price, 12);
      expect(l.x_GpuTimeCost).toBeCloseTo(h * 1.7, 12);
      expect(l.ListCost).toBeCloseTo(list, 12);
      expect(l.EffectiveCost).toBeCloseTo(list * (1 - (discount[l.x_Lane] ?? 0)), 12);
      expect(l.x_CarbonG).toBeCloseTo(kwh * carbon + h * 40, 9);
      expect(o.x_EnergyCost).toBeCloseTo(kwh * 0.12, 12);
    }
    // Conservation against the stored readings.
    const facility = data.readings.reduce((s, r) => s + r.facilityEnergyJ, 0);
    const sum = lb.reduce((s, l) => s + l.x_FacilityEnergyJ, 0);
    expect(sum).toBeCloseTo(facility, 3);
  });

  it("is idempotent and refuses a changed book under the same version", async () => {
    const before = (await store.lineTotals({ priceVersion: "B" })).lines;
    const again = await reprice({
      store,
      kernel,
      book: parsePriceBook(BOOK_B, "b"),
      range,
      version: "B",
    });
    expect(again.ok && again.readings).toBe(0);
    expect((await store.lineTotals({ priceVersion: "B" })).lines).toBe(before);
    const changed = await reprice({
      store,
      kernel,
      book: parsePriceBook(BOOK_A, "a"),
      range,
      version: "B",
    });
    expect(changed.ok).toBe(false);
    if (!changed.ok) expect(changed.error.code).toBe("TW_ERR_REPRICE_VERSION");
    const agents = await reprice({
      store,
      kernel,
      book: parsePriceBook(BOOK_A, "a"),
      range,
      version: "pv-2025-06",
    });
    expect(agents.ok).toBe(false);
  });

  it("runs beside ingest: reads on a second connection, writes between ingest commits", async () => {
    const later = generateUsage({
      windows: 60,
      startS: range.toS + 3600,
      seed: 7,
      priceVersion: "pv-late",
    });
    const running = reprice({
      store,
      kernel,
      book: parsePriceBook(BOOK_B.replace("gpu_hour: 1.7", "gpu_hour: 1.9"), "d"),
      range,
      version: "D",
      readingsPerChunk: 150,
    });
    const ingested = (async () => {
      for (const batch of toBatches(later, 200, "boot-late")) await store.ingest(batch);
    })();
    const [result] = await Promise.all([running, ingested]);
    expect(result.ok, result.ok ? "" : result.error.message).toBe(true);
    if (result.ok) expect(result.chunks).toBeGreaterThan(3);
    const d = await store.lineTotals({ priceVersion: "D" });
    const b = await store.lineTotals({ priceVersion: "B" });
    expect(d.lines).toBe(b.lines);
    expect(d.facilityEnergyJ).toBeCloseTo(b.facilityEnergyJ, 3);
    expect((await store.lineTotals({ priceVersion: "pv-late" })).lines).toBe(later.lines.length);
  });

  it("resumes after an interrupted run without duplicating lines", async () => {
    let calls = 0;
    const book = parsePriceBook(BOOK_B.replace("gpu_hour: 1.7", "gpu_hour: 1.8"), "c");
    const crashed = await reprice({
      store,
      kernel,
      book,
      range,
      version: "C",
      readingsPerChunk: 200,
      onProgress: () => {
        if (++calls === 2) throw new Error("killed");
      },
    });
    expect(crashed.ok).toBe(false);
    const partial = (await store.lineTotals({ priceVersion: "C" })).lines;
    expect(partial).toBeGreaterThan(0);
    const resumed = await reprice({
      store,
      kernel,
      book,
      range,
      version: "C",
      readingsPerChunk: 200,
    });
    expect(resumed.ok).toBe(true);
    if (resumed.ok) expect(resumed.readings).toBeLessThan(data.readings.length);
    const c = await store.lineTotals({ priceVersion: "C" });
    const b = await store.lineTotals({ priceVersion: "B" });
    expect(c.lines).toBe(b.lines);
    expect(c.facilityEnergyJ).toBeCloseTo(b.facilityEnergyJ, 3);
    expect(c.gpuTimeCost).toBeCloseTo((b.gpuTimeCost * 1.8) / 1.7, 6);
    // Rollups follow the re-priced lines.
    const rolled = await store.rollup({ by: [], priceVersion: "C" });
    expect(rolled.reduce((s, r) => s + r.lines, 0)).toBe(c.lines);
  });

  it("the latest version is the default selection, per GPU-window", async () => {
    const latest = await store.lineTotals({
      from: "2025-06-01T06:00:00Z",
      to: "2025-06-01T08:30:00Z",
    });
    const c = await store.lineTotals({ priceVersion: "C" });
    expect(latest.lines).toBe(c.lines);
    expect(latest.effectiveCost).toBeCloseTo(c.effectiveCost, 9);
  });

  const modelPath = join(
    defaultFocusDir(resolve(import.meta.dirname, "../../..")),
    "requirements-model-1.2.json",
  );
  if (!existsSync(modelPath))
    console.warn(`FOCUS model not found at ${modelPath}: re-priced export check skipped`);
  it.skipIf(!existsSync(modelPath))(
    "an export of a re-priced version passes the FOCUS check",
    async () => {
      const out = join(dir, "b.csv");
      const exported = await exportFocus({
        store,
        version: "1.2",
        format: "csv",
        out,
        priceVersion: "B",
      });
      expect(exported.ok).toBe(true);
      const checked = await checkFocus(out, { modelPath });
      expect(checked.ok).toBe(true);
      if (!checked.ok) return;
      const failed = checked.report.results
        .filter((r) => r.status === "fail")
        .map((r) => `${r.ruleId}: ${r.message}`);
      expect(failed).toEqual([]);
    },
  );
});
