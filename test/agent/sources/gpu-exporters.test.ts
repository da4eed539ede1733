import { describe, expect, it } from "vitest";
import { normalizeGpuUuid } from "../../../agent/sources/common/gpu.js";
import { createSource } from "../../../agent/sources/registry.js";
import {
  HAVE_SHARED,
  readLocalFixture,
  readShared,
  warnIfNoShared,
} from "../../helpers/shared-fixtures.js";

warnIfNoShared("sources/gpu-exporters");

const dcgm = createSource({ name: "dcgm", kind: "dcgm", url: "http://127.0.0.1:9400/metrics" });
const gpux = createSource({
  name: "gpux",
  kind: "nvidia-gpu-exporter",
  url: "http://127.0.0.1:9835/metrics",
});

describe("normalizeGpuUuid", () => {
  it.each([
    ["00000000-0000-0000-0000-000000000000", "GPU-00000000-0000-0000-0000-000000000000"],
    ["GPU-34319582-d595-d1c7-d1d2-179bcfa61660", "GPU-34319582-d595-d1c7-d1d2-179bcfa61660"],
    ["gpu-34319582-d595-d1c7-d1d2-179bcfa61660 ", "GPU-34319582-d595-d1c7-d1d2-179bcfa61660"],
    ["MIG-3d4f0a6e-8c2b-5f1a-9e7d-6b5c4a3f2e1d", "MIG-3d4f0a6e-8c2b-5f1a-9e7d-6b5c4a3f2e1d"],
  ])("%s → %s", (raw, want) => expect(normalizeGpuUuid(raw)).toBe(want));
});

describe("dcgm (hand-written MIG fixture)", () => {
  const scrape = dcgm.parse(readLocalFixture("sources/dcgm_mig_repeated.prom"), 1000);

  it("counts board power and energy once per GPU UUID across GPU-instance rows", () => {
    expect(scrape.gpus[0]).toEqual({
      uuid: "GPU-11111111-2222-3333-4444-555555555555",
      index: 0,
      model: "NVIDIA H100 80GB HBM3",
      host: "node-a",
      powerW: 512.25,
      energyJ: 987654.321,
    });
  });

  it("treats ≥ 9.2e18 values as missing and counts them", () => {
    expect(scrape.gpus[1]).toEqual({
      uuid: "GPU-66666666-7777-8888-9999-000000000000",
      index: 1,
      model: "NVIDIA H100 80GB HBM3",
      host: "node-a",
    });
    expect(scrape.discarded).toBe(2);
  });

  it("never takes utilization from a single MIG instance", () => {
    expect(scrape.gpus[0].utilizationPct).toBeUndefined();
  });

  it("rejects DCGM's FP64 blank for power", () => {
    const s = dcgm.parse(
      'DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-11111111-2222-3333-4444-555555555555"} 140737488355328',
      0,
    );
    expect(s.gpus[0].powerW).toBeUndefined();
    expect(s.discarded).toBe(1);
  });
});

describe.skipIf(!HAVE_SHARED)("dcgm (real expositions)", () => {
  it("A100 with MIG (dcgm-exporter 2.x, Hostname label, no modelName)", () => {
    const s = dcgm.parse(
      readShared("telemetry/dcgm-exporter__a100-mig__nvidia-cloud-native-docs.prom"),
      5,
    );
    expect(s.discarded).toBe(0);
    expect(s.gpus).toHaveLength(1);
    expect(s.gpus[0]).toMatchObject({
      uuid: "GPU-34319582-d595-d1c7-d1d2-179bcfa61660",
      index: 0,
      host: "ub20-a100-k8s",
      powerW: 409.692,
      energyJ: 319159.391,
    });
    // No DCGM_FI_DEV_GPU_UTIL: the whole GPU's graphics-engine activity stands in.
    expect(s.gpus[0].utilizationPct).toBeCloseTo(99.563, 6);
  });

  it("Tesla T4 hosts (two label generations)", () => {
    const s = dcgm.parse(
      readShared("telemetry/dcgm-exporter__tesla-t4__datadog-integrations-core.prom"),
      5,
    );
    expect(s.discarded).toBe(0);
    const first = s.gpus.find((g) => g.uuid === "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e");
    expect(first).toMatchObject({
      model: "Tesla T4",
      host: "424773df46e0",
      powerW: 8.969,
      energyJ: 128996.013,
      utilizationPct: 0,
    });
    const second = s.gpus.find((g) => g.uuid === "GPU-9ef1b6d0-3643-5dd7-b823-c0ec20dcf2d5");
    expect(second).toMatchObject({ model: "Tesla T4", powerLimitW: 70 });
  });
});

describe("nvidia-gpu-exporter", () => {
  it("prefers energy when exported and normalises the uuid", () => {
    const body = [
      'nvidia_smi_gpu_info{index="3",name="NVIDIA H200",uuid="0a1b2c3d-0000-1111-2222-333344445555"} 1',
      'nvidia_smi_energy_joules_total{uuid="0a1b2c3d-0000-1111-2222-333344445555"} 1.5e+06',
      'nvidia_smi_power_draw_watts{uuid="0a1b2c3d-0000-1111-2222-333344445555"} 0',
      'nvidia_smi_utilization_gpu_ratio{uuid="0a1b2c3d-0000-1111-2222-333344445555"} NaN',
    ].join("\n");
    const s = gpux.parse(body, 0);
    expect(s.gpus).toEqual([
      {
        uuid: "GPU-0a1b2c3d-0000-1111-2222-333344445555",
        index: 3,
        model: "NVIDIA H200",
        energyJ: 1.5e6,
        powerW: 0,
      },
    ]);
    expect(s.discarded).toBe(1);
  });
});

describe.skipIf(!HAVE_SHARED)("nvidia-gpu-exporter (real expositions)", () => {
  it.each([
    ["h100-80gb-hbm3__590.48.01__load", "NVIDIA H100 80GB HBM3", 631.95, 100],
    ["h200__590.48.01__load", "NVIDIA H200", 627.4, 100],
  ])("%s", (capture, model, powerW, utilizationPct) => {
    const s = gpux.parse(readShared(`telemetry/nvidia_gpu_exporter__${capture}.prom`), 7);
    expect(s.discarded).toBe(0);
    expect(s.gpus).toEqual([
      {
        uuid: "GPU-00000000-0000-0000-0000-000000000000",
        index: 0,
        model,
        powerW,
        powerLimitW: 700,
        utilizationPct,
      },
    ]);
  });

  it("H100 idle", () => {
    const s = gpux.parse(
      readShared("telemetry/nvidia_gpu_exporter__h100-80gb-hbm3__590.48.01__idle.prom"),
      7,
    );
    expect(s.gpus[0].powerW).toBeCloseTo(69.85, 2);
  });
});
