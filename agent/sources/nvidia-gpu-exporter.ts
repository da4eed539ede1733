import { createExpositionSource } from "./common/exposition-source.js";
import { GpuTable, indexFrom, normalizeGpuUuid } from "./common/gpu.js";
import type { MetricIndex } from "./common/lookup.js";
import { usable } from "./common/values.js";
import type { Scrape, Source, SourceConfig } from "./types.js";

/**
 * utkuozdemir/nvidia_gpu_exporter. Its `uuid` label has no `GPU-` prefix; it is normalised
 * to NVML's form so GPUs match across sources and config. Energy from
 * `nvidia_smi_energy_joules_total` when present, power from `nvidia_smi_power_draw_watts`
 * (both reported; the meter prefers energy). Index and name from `nvidia_smi_gpu_info`.
 * Utilization is exported as a 0–1 ratio and reported here in percent.
 */
export function extractNvidiaGpuExporter(index: MetricIndex, scrape: Scrape): void {
  const gpus = new GpuTable();
  const each = (name: string, apply: (uuid: string, value: number) => void) => {
    for (const s of index.get(name)) {
      if (s.labels.uuid === undefined) continue;
      apply(normalizeGpuUuid(s.labels.uuid), s.value);
    }
  };
  for (const s of index.get("nvidia_smi_gpu_info")) {
    if (s.labels.uuid === undefined) continue;
    const uuid = normalizeGpuUuid(s.labels.uuid);
    gpus.setOnce(uuid, "index", indexFrom(s.labels.index));
    gpus.setOnce(uuid, "model", s.labels.name);
  }
  each("nvidia_smi_energy_joules_total", (uuid, v) =>
    gpus.setOnce(uuid, "energyJ", usable(v, scrape)),
  );
  each("nvidia_smi_power_draw_watts", (uuid, v) => gpus.setOnce(uuid, "powerW", usable(v, scrape)));
  each("nvidia_smi_enforced_power_limit_watts", (uuid, v) =>
    gpus.setOnce(uuid, "powerLimitW", usable(v, scrape)),
  );
  each("nvidia_smi_utilization_gpu_ratio", (uuid, v) => {
    const ratio = usable(v, scrape, { below: 1.000001 });
    gpus.setOnce(uuid, "utilizationPct", ratio === undefined ? undefined : ratio * 100);
  });
  scrape.gpus.push(...gpus.list());
}

export function createNvidiaGpuExporterSource(config: SourceConfig): Source {
  return createExpositionSource(config, extractNvidiaGpuExporter);
}
