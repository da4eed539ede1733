import { createExpositionSource } from "./common/exposition-source.js";
import { GpuTable, indexFrom, normalizeGpuUuid } from "./common/gpu.js";
import { labelOf, type MetricIndex } from "./common/lookup.js";
import { usable } from "./common/values.js";
import type { Scrape, Source, SourceConfig } from "./types.js";

/** DCGM_FP64_BLANK (2^47): FP64 fields (power) at or above it are "no data", not readings. */
export const DCGM_FP64_BLANK = 140737488355328;

/** Every field extractDcgm reads; the parser skips the rest of the exporter's output. */
export const DCGM_FIELDS = [
  "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
  "DCGM_FI_DEV_POWER_USAGE",
  "DCGM_FI_DEV_POWER_MGMT_LIMIT",
  "DCGM_FI_DEV_GPU_UTIL",
  "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
] as const;

/**
 * dcgm-exporter. Energy from `DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION` (mJ → J) and power from
 * `DCGM_FI_DEV_POWER_USAGE` (W) are both reported; the meter prefers energy and falls back to
 * power. Under MIG, board-level fields can repeat on every GPU-instance row (`GPU_I_ID`): each
 * is counted once per GPU UUID, the whole-GPU row first. Utilization: `DCGM_FI_DEV_GPU_UTIL`,
 * else (MIG, where it is unsupported) `DCGM_FI_PROF_GR_ENGINE_ACTIVE` × 100 of the whole GPU.
 */
export function extractDcgm(index: MetricIndex, scrape: Scrape): void {
  const gpus = new GpuTable();
  const fp64 = { below: DCGM_FP64_BLANK };
  /** Applies the first row per UUID; `boardOnly` skips MIG instance rows entirely. */
  const each = (name: string, boardOnly: boolean, apply: (uuid: string, value: number) => void) => {
    const isInstance = (labels: Readonly<Record<string, string>>) => "GPU_I_ID" in labels;
    // Whole-GPU rows first, so they win over the instance rows that repeat board fields.
    const rows = [...index.get(name)].sort(
      (a, b) => Number(isInstance(a.labels)) - Number(isInstance(b.labels)),
    );
    const seen = new Set<string>();
    for (const s of rows) {
      const raw = labelOf(s, "UUID", "uuid");
      if (raw === undefined) continue;
      const uuid = normalizeGpuUuid(raw);
      gpus.get(uuid);
      gpus.setOnce(uuid, "index", indexFrom(s.labels.gpu));
      gpus.setOnce(uuid, "model", labelOf(s, "modelName", "DCGM_FI_DEV_NAME"));
      gpus.setOnce(uuid, "host", labelOf(s, "Hostname", "hostname"));
      if (seen.has(uuid) || (boardOnly && isInstance(s.labels))) continue;
      seen.add(uuid);
      apply(uuid, s.value);
    }
  };
  each("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", false, (uuid, v) => {
    const mJ = usable(v, scrape);
    gpus.setOnce(uuid, "energyJ", mJ === undefined ? undefined : mJ / 1000);
  });
  each("DCGM_FI_DEV_POWER_USAGE", false, (uuid, v) =>
    gpus.setOnce(uuid, "powerW", usable(v, scrape, fp64)),
  );
  each("DCGM_FI_DEV_POWER_MGMT_LIMIT", false, (uuid, v) =>
    gpus.setOnce(uuid, "powerLimitW", usable(v, scrape, fp64)),
  );
  each("DCGM_FI_DEV_GPU_UTIL", true, (uuid, v) =>
    gpus.setOnce(uuid, "utilizationPct", usable(v, scrape, { below: 100.000001 })),
  );
  each("DCGM_FI_PROF_GR_ENGINE_ACTIVE", true, (uuid, v) => {
    if (gpus.get(uuid).utilizationPct !== undefined) return;
    const ratio = usable(v, scrape, { below: 1.000001 });
    gpus.setOnce(uuid, "utilizationPct", ratio === undefined ? undefined : ratio * 100);
  });
  scrape.gpus.push(...gpus.list());
}

export function createDcgmSource(config: SourceConfig): Source {
  return createExpositionSource(config, extractDcgm, DCGM_FIELDS);
}
