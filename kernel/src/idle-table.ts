/**
 * Built-in idle power by GPU model: what a GPU draws, powered and in persistence mode, while
 * it runs no work. Used for `E_idle` until the agent has learned a GPU's own idle power
 * (docs/metering-model.md, "Idle power"); `gpus.idle_w.by_model` in the config overrides it.
 *
 * Basis of each value, in `basis`: "measured" values come from real captures in
 * ../shared/fixtures/telemetry (nvidia-smi's idle section or a dcgm-exporter sample of an
 * idle host); "typical" values are the idle draw commonly reported by nvidia-smi for that
 * board at P0/P8 with nothing running, roughly 8–22 % of its TDP (board power limits from
 * NVIDIA's data sheets in `tdpW`). Typical values are estimates: configure or learn the
 * real figure where it matters.
 */

export interface IdleEntry {
  /** Canonical model, as nvidia-smi prints it. */
  model: string;
  /** Matches a normalised name (see normaliseModel). */
  pattern: RegExp;
  idleW: number;
  tdpW: number;
  basis: string;
}

/** Most specific first: the first match wins. */
export const IDLE_TABLE: readonly IdleEntry[] = [
  {
    model: "NVIDIA H100 80GB HBM3",
    pattern: /\bh100\b(?!.*\b(pcie|nvl)\b)/,
    idleW: 70,
    tdpW: 700,
    basis: "measured: 69.85 W, nvidia-smi idle capture, driver 590.48.01",
  },
  {
    model: "NVIDIA H100 NVL",
    pattern: /\bh100\b.*\bnvl\b/,
    idleW: 60,
    tdpW: 400,
    basis: "typical",
  },
  {
    model: "NVIDIA H100 PCIe",
    pattern: /\bh100\b.*\bpcie\b/,
    idleW: 50,
    tdpW: 350,
    basis: "typical",
  },
  {
    model: "NVIDIA H800",
    pattern: /\bh800\b/,
    idleW: 70,
    tdpW: 700,
    basis: "typical (as H100 SXM)",
  },
  { model: "NVIDIA H20", pattern: /\bh20\b/, idleW: 60, tdpW: 500, basis: "typical" },
  {
    model: "NVIDIA H200 NVL",
    pattern: /\bh200\b.*\bnvl\b/,
    idleW: 65,
    tdpW: 600,
    basis: "typical",
  },
  {
    model: "NVIDIA H200",
    pattern: /\bh200\b/,
    idleW: 78,
    tdpW: 700,
    basis: "measured: 77.67 W, nvidia-smi idle capture, driver 590.48.01",
  },
  {
    model: "NVIDIA GH200 480GB",
    pattern: /\bgh200\b/,
    idleW: 90,
    tdpW: 900,
    basis: "typical (GPU only)",
  },
  {
    model: "NVIDIA GB200",
    pattern: /\bgb200\b/,
    idleW: 150,
    tdpW: 1200,
    basis: "typical (GPU only)",
  },
  { model: "NVIDIA B200", pattern: /\bb200\b/, idleW: 140, tdpW: 1000, basis: "typical" },
  { model: "NVIDIA B100", pattern: /\bb100\b/, idleW: 110, tdpW: 700, basis: "typical" },
  {
    model: "NVIDIA A100-SXM4-80GB",
    pattern: /\ba100\b.*\bsxm4?\b.*\b80gb\b/,
    idleW: 60,
    tdpW: 400,
    basis: "typical",
  },
  {
    model: "NVIDIA A100-SXM4-40GB",
    pattern: /\ba100\b.*\bsxm4?\b/,
    idleW: 55,
    tdpW: 400,
    basis: "typical",
  },
  {
    model: "NVIDIA A100 80GB PCIe",
    pattern: /\ba100\b.*\b80gb\b/,
    idleW: 45,
    tdpW: 300,
    basis: "typical",
  },
  { model: "NVIDIA A100-PCIE-40GB", pattern: /\ba100\b/, idleW: 35, tdpW: 250, basis: "typical" },
  { model: "NVIDIA A800", pattern: /\ba800\b/, idleW: 55, tdpW: 400, basis: "typical (as A100)" },
  { model: "NVIDIA A10G", pattern: /\ba10g\b/, idleW: 15, tdpW: 300, basis: "typical (P8)" },
  { model: "NVIDIA A10", pattern: /\ba10\b/, idleW: 15, tdpW: 150, basis: "typical (P8)" },
  { model: "NVIDIA L40S", pattern: /\bl40s\b/, idleW: 35, tdpW: 350, basis: "typical (P8)" },
  { model: "NVIDIA L40", pattern: /\bl40\b/, idleW: 30, tdpW: 300, basis: "typical (P8)" },
  { model: "NVIDIA L4", pattern: /\bl4\b/, idleW: 16, tdpW: 72, basis: "typical (P8)" },
  {
    model: "Tesla T4",
    pattern: /\bt4\b/,
    idleW: 9,
    tdpW: 70,
    basis: "measured: 8.97 W, dcgm-exporter sample of an idle T4 host",
  },
  {
    model: "Tesla V100-SXM2-32GB",
    pattern: /\bv100\b.*\bsxm/,
    idleW: 40,
    tdpW: 300,
    basis: "typical",
  },
  { model: "Tesla V100-PCIE-32GB", pattern: /\bv100\b/, idleW: 25, tdpW: 250, basis: "typical" },
];

/**
 * Lower case, vendor words dropped, punctuation to spaces: "NVIDIA A100-SXM4-80GB" →
 * "a100 sxm4 80gb", "Tesla T4" → "t4", "NVIDIA H100 80GB HBM3" → "h100 80gb hbm3".
 */
export function normaliseModel(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((w) => w !== "" && w !== "nvidia" && w !== "tesla" && w !== "geforce")
    .join(" ");
}

/** The table's entry for a model name as nvidia-smi or DCGM prints it, if any. */
export function idleEntry(modelName: string): IdleEntry | undefined {
  const normal = normaliseModel(modelName);
  if (normal === "") return undefined;
  return IDLE_TABLE.find((e) => e.pattern.test(normal));
}

/** Built-in idle power in W, or undefined for a model the table does not know. */
export function builtInIdleW(modelName: string): number | undefined {
  return idleEntry(modelName)?.idleW;
}
