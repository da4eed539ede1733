import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  LineLabelError,
  type LineLabels,
  toUsageLines,
  usageLinesNdjson,
} from "../../kernel/src/lines.js";
import { referenceKernel } from "../../kernel/src/reference.js";
import { naturalKey } from "../../kernel/src/usage-line.js";
import { buildStage2, type Stage2Model } from "../helpers/kernel-arbitraries.js";
import { repoRoot } from "../helpers/kernel-impls.js";

const S = Date.UTC(2026, 0, 1, 10, 59) / 1000;

// GPU 0 serves workload 0 (tenants 0 and 1); GPU 1 is unassigned and served nothing.
const model: Stage2Model = {
  promptWeight: 0.25,
  cachedWeight: 0.025,
  idleSeparate: false,
  nWorkloads: 1,
  nTenants: 2,
  windows: [
    {
      startS: S,
      lengthS: 60,
      hostJ: 0,
      overheadJ: Number.NaN,
      pue: 1.2,
      pricePerKwh: 0.12,
      carbonGPerKwh: 350,
      gpuRatePerHour: 2.1,
      discount: 0.1,
      embodiedGPerGpuHour: 25,
    },
  ],
  readings: [
    {
      id: 0,
      window: 0,
      energyJ: 30_000,
      coveredS: 60,
      idleW: 70,
      ownerWorkload: 0,
      ownerTenant: 0,
    },
    {
      id: 1,
      window: 0,
      energyJ: 4_200,
      coveredS: 60,
      idleW: 70,
      ownerWorkload: -1,
      ownerTenant: -1,
    },
  ],
  contributions: [
    {
      window: 0,
      workload: 0,
      tenant: 0,
      prompt: 400,
      cached: 100,
      gen: 300,
      requests: 3,
      gpus: [0],
    },
    { window: 0, workload: 0, tenant: 1, prompt: 0, cached: 0, gen: 100, requests: 1, gpus: [0] },
  ],
};

const labels: LineLabels = {
  agentId: "fra2-r12-h03",
  windowStartS: [S],
  windowLengthS: [60],
  readingWindow: [0, 0],
  readingGpuUuid: ["GPU-aaaa", "GPU-bbbb"],
  readingGpuModel: ["NVIDIA H100 80GB HBM3", ""],
  workloadNames: ["llama-70b"],
  tenantNames: ["acme", "globex"],
  site: { metro: "fra", hall: "fra2", rack: "r12", lane: "colocated", sovereigntyZone: "EU" },
  currency: "EUR",
  priceVersion: "2026-01-01.1",
};

const out = referenceKernel.attribute(buildStage2(model).input);

describe("toUsageLines", () => {
  const lines = toUsageLines(out, labels);

  it("labels every line with window, GPU, workload, tenant and site", () => {
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      ChargePeriodStart: "2026-01-01T10:59:00Z",
      ChargePeriodEnd: "2026-01-01T11:00:00Z",
      x_AgentId: "fra2-r12-h03",
      ResourceId: "GPU-aaaa",
      x_GpuModel: "NVIDIA H100 80GB HBM3",
      x_Workload: "llama-70b",
      SubAccountId: "acme",
      x_LineKind: "usage",
      RegionId: "fra",
      AvailabilityZone: "fra2",
      x_Rack: "r12",
      x_Lane: "colocated",
      x_SovereigntyZone: "EU",
      x_PromptTokens: 400,
      x_CachedTokens: 100,
      x_GenerationTokens: 300,
      x_Requests: 3,
      x_Coverage: 1,
      BillingCurrency: "EUR",
      x_PriceVersion: "2026-01-01.1",
    });
    expect(lines[1].SubAccountId).toBe("globex");
  });

  it("gives the idle line of an unassigned GPU an empty workload and tenant", () => {
    expect(lines[2]).toMatchObject({
      ResourceId: "GPU-bbbb",
      x_GpuModel: "",
      x_Workload: "",
      SubAccountId: "",
      x_LineKind: "idle",
      x_GpuEnergyJ: 4_200,
      x_IdleEnergyJ: 4_200,
      x_GpuSeconds: 60,
    });
  });

  it("copies the kernel's numbers unchanged", () => {
    lines.forEach((l, i) => {
      expect(l.x_FacilityEnergyJ).toBe(out.facilityEnergyJ[i]);
      expect(l.EffectiveCost).toBe(out.effectiveCost[i]);
      expect(l.x_CarbonG).toBe(out.carbonG[i]);
    });
    expect(new Set(lines.map(naturalKey)).size).toBe(3);
  });

  it("throws LineLabelError naming the missing label", () => {
    const bad = { ...labels, tenantNames: ["acme"] };
    expect(() => toUsageLines(out, bad)).toThrow(LineLabelError);
    expect(() => toUsageLines(out, bad)).toThrow(/tenantNames label for index 1/);
  });
});

describe("usageLinesNdjson", () => {
  it("writes one JSON object per line that parses back to the same usage line", () => {
    const text = [...usageLinesNdjson(out, labels)].join("");
    expect(text.endsWith("\n")).toBe(true);
    const parsed = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(parsed).toEqual(toUsageLines(out, labels));
  });
});

const spec = path.resolve(repoRoot, "..", "shared", "spec", "usage-line.md");
if (!existsSync(spec)) console.warn(`lines: ${spec} absent; field list not compared with the spec`);

describe.skipIf(!existsSync(spec))("the spec's field table", () => {
  it("lists exactly the fields of a usage line, in the same order", () => {
    const fields = [...readFileSync(spec, "utf8").matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map(
      (m) => m[1],
    );
    expect(Object.keys(toUsageLines(out, labels)[0])).toEqual(fields);
  });
});
