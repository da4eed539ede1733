/**
 * dcgm-exporter `/metrics`: the default-counters subset, the 3.x label set
 * `gpu,UUID,device,modelName,Hostname`, HELP/TYPE per family, values printed as the Go
 * exporter prints them (integers, or six decimals for float fields).
 */
import type { CounterBaselines } from "./counters.js";
import { family, labels } from "./expo.js";
import type { SimModel } from "./model.js";

const FB_TOTAL_MIB = 81_559;
/** vLLM pre-allocates ~90 % of memory on the GPUs it serves from. */
const FB_SERVING_MIB = 73_403;

type Field = {
  name: string;
  type: "counter" | "gauge";
  help: string;
  float?: boolean;
  value: (g: number) => number;
};

export function renderDcgm(
  model: SimModel,
  base: CounterBaselines,
  hostname: string,
  timeMs: number,
): string {
  const util = (g: number) => model.utilization(g, timeMs);
  const fbUsed = (g: number) => (model.gpus[g].workloads.length > 0 ? FB_SERVING_MIB : 0);
  const fields: Field[] = [
    {
      name: "DCGM_FI_DEV_SM_CLOCK",
      type: "gauge",
      help: "SM clock frequency (in MHz).",
      value: (g) => Math.round(345 + 1635 * util(g)),
    },
    {
      name: "DCGM_FI_DEV_MEM_CLOCK",
      type: "gauge",
      help: "Memory clock frequency (in MHz).",
      value: () => 2619,
    },
    {
      name: "DCGM_FI_DEV_MEMORY_TEMP",
      type: "gauge",
      help: "Memory temperature (in C).",
      value: (g) => Math.round(32 + 38 * util(g)),
    },
    {
      name: "DCGM_FI_DEV_GPU_TEMP",
      type: "gauge",
      help: "GPU temperature (in C).",
      value: (g) => Math.round(29 + 41 * util(g)),
    },
    {
      name: "DCGM_FI_DEV_POWER_USAGE",
      type: "gauge",
      help: "Power draw (in W).",
      float: true,
      value: (g) => model.powerW(g, timeMs),
    },
    {
      name: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
      type: "counter",
      help: "Total energy consumption since boot (in mJ).",
      // The driver's counter is integral mJ; flooring keeps it monotone.
      value: (g) => Math.floor((model.energyJ(g, timeMs) - base.dcgm[g]) * 1000),
    },
    {
      name: "DCGM_FI_DEV_PCIE_REPLAY_COUNTER",
      type: "counter",
      help: "Total number of PCIe retries.",
      value: () => 0,
    },
    {
      name: "DCGM_FI_DEV_GPU_UTIL",
      type: "gauge",
      help: "GPU utilization (in %).",
      value: (g) => Math.round(100 * util(g)),
    },
    {
      name: "DCGM_FI_DEV_MEM_COPY_UTIL",
      type: "gauge",
      help: "Memory utilization (in %).",
      value: (g) => Math.round(55 * util(g)),
    },
    {
      name: "DCGM_FI_DEV_ENC_UTIL",
      type: "gauge",
      help: "Encoder utilization (in %).",
      value: () => 0,
    },
    {
      name: "DCGM_FI_DEV_DEC_UTIL",
      type: "gauge",
      help: "Decoder utilization (in %).",
      value: () => 0,
    },
    {
      name: "DCGM_FI_DEV_XID_ERRORS",
      type: "gauge",
      help: "Value of the last XID error encountered.",
      value: () => 0,
    },
    {
      name: "DCGM_FI_DEV_FB_FREE",
      type: "gauge",
      help: "Framebuffer memory free (in MiB).",
      value: (g) => FB_TOTAL_MIB - fbUsed(g),
    },
    {
      name: "DCGM_FI_DEV_FB_USED",
      type: "gauge",
      help: "Framebuffer memory used (in MiB).",
      value: fbUsed,
    },
    {
      name: "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
      type: "gauge",
      help: "Ratio of time the graphics engine is active.",
      float: true,
      value: (g) => 0.97 * util(g),
    },
    {
      name: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
      type: "gauge",
      help: "Ratio of cycles the tensor (HMMA) pipe is active.",
      float: true,
      value: (g) => 0.42 * util(g),
    },
    {
      name: "DCGM_FI_PROF_DRAM_ACTIVE",
      type: "gauge",
      help: "Ratio of cycles the device memory interface is active sending or receiving data.",
      float: true,
      value: (g) => 0.61 * util(g),
    },
  ];
  const gpuLabels = model.gpus.map((gpu) =>
    labels([
      ["gpu", String(gpu.index)],
      ["UUID", gpu.uuid],
      ["device", `nvidia${gpu.index}`],
      ["modelName", gpu.model],
      ["Hostname", hostname],
    ]),
  );
  const lines: string[] = [];
  for (const f of fields) {
    lines.push(...family(f.name, f.type, f.help));
    model.gpus.forEach((_, g) => {
      const v = f.value(g);
      lines.push(`${f.name}${gpuLabels[g]} ${f.float ? v.toFixed(6) : String(v)}`);
    });
  }
  return `${lines.join("\n")}\n`;
}
