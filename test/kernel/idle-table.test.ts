import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  builtInIdleW,
  IDLE_TABLE,
  idleEntry,
  normaliseModel,
} from "../../kernel/src/idle-table.js";
import { repoRoot } from "../helpers/kernel-impls.js";

describe("builtInIdleW", () => {
  it.each([
    ["NVIDIA H100 80GB HBM3", 70],
    ["NVIDIA H100 PCIe", 50],
    ["NVIDIA H100 NVL", 60],
    ["NVIDIA H200", 78],
    ["NVIDIA H200 NVL", 65],
    ["NVIDIA H20", 60],
    ["NVIDIA GH200 480GB", 90],
    ["NVIDIA B200", 140],
    ["NVIDIA A100-SXM4-80GB", 60],
    ["NVIDIA A100-SXM4-40GB", 55],
    ["NVIDIA A100 80GB PCIe", 45],
    ["NVIDIA A100-PCIE-40GB", 35],
    ["NVIDIA L40S", 35],
    ["NVIDIA L40", 30],
    ["NVIDIA L4", 16],
    ["NVIDIA A10G", 15],
    ["NVIDIA A10", 15],
    ["Tesla T4", 9],
    ["tesla t4", 9],
    ["Tesla V100-SXM2-16GB", 40],
  ])("%s → %d W", (name, watts) => {
    expect(builtInIdleW(name)).toBe(watts);
  });

  it("knows nothing of an unlisted or empty name", () => {
    expect(builtInIdleW("NVIDIA GeForce RTX 4090")).toBeUndefined();
    expect(builtInIdleW("")).toBeUndefined();
    expect(builtInIdleW("NVIDIA")).toBeUndefined();
  });

  it("normalises vendor words and punctuation", () => {
    expect(normaliseModel("NVIDIA A100-SXM4-80GB")).toBe("a100 sxm4 80gb");
    expect(idleEntry("NVIDIA  GH200 480GB")?.model).toBe("NVIDIA GH200 480GB");
  });

  it("keeps every idle figure below its board power and names its basis", () => {
    for (const e of IDLE_TABLE) {
      expect(e.idleW).toBeGreaterThan(0);
      expect(e.idleW).toBeLessThan(e.tdpW * 0.25);
      expect(e.basis).not.toBe("");
      // Each canonical name finds its own entry (the order of the table is right).
      expect(idleEntry(e.model)).toBe(e);
    }
  });
});

const telemetry = path.resolve(repoRoot, "..", "shared", "fixtures", "telemetry");
const haveFixtures = existsSync(telemetry);
if (!haveFixtures) console.warn(`idle-table: ${telemetry} absent; fixture model names not checked`);

describe.skipIf(!haveFixtures)("model names in the shared telemetry fixtures", () => {
  it("are all known to the table", () => {
    const names = new Set<string>();
    for (const file of readdirSync(telemetry)) {
      const text = readFileSync(path.join(telemetry, file), "utf8");
      for (const m of text.matchAll(/Product Name\s*: (.+)/g)) names.add(m[1].trim());
      for (const m of text.matchAll(/modelName="([^"]+)"/g)) names.add(m[1]);
    }
    expect(names.size).toBeGreaterThan(0);
    for (const name of names) expect(builtInIdleW(name), name).toBeDefined();
  });
});
