import type { DiscoveredGpu } from "./nvidia-smi-gpus.js";

/** What `tokenwatt init` found on the host. */
export interface Discovery {
  hostname: string;
  /** From nvidia-smi; empty when it is absent or failed. */
  gpus: DiscoveredGpu[];
  /** The nvidia-smi command when it ran successfully. */
  nvidiaSmi?: string;
  /** Why nvidia-smi gave nothing (not found, driver error). */
  nvidiaSmiError?: string;
  dcgmUrl?: string;
  /** GPU indices dcgm-exporter reported (used when nvidia-smi gave none). */
  dcgmGpuIndices: number[];
  nvidiaGpuExporterUrl?: string;
  vllmUrl?: string;
  vllmModels: string[];
}

const q = (s: string) => JSON.stringify(s);
/** Text from the host (error messages, GPU names) made safe for a one-line YAML comment. */
const oneLine = (s: string) =>
  [...s]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? " " : ch))
    .join("")
    .replace(/ {2,}/g, " ")
    .trim();

/** The hostname as a valid agent.id: invalid characters become '-'. */
export function agentIdFor(hostname: string): string {
  const id = hostname
    .replace(/[^A-Za-z0-9_.:@-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 128);
  return id === "" ? "tokenwatt-agent" : id;
}

/** `meta-llama/Llama-3.1-70B-Instruct` → `llama-3.1-70b-instruct`. */
export function workloadNameFor(model: string | undefined): string {
  const base = (model ?? "").split("/").at(-1) ?? "";
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "")
    .slice(0, 64);
  return slug === "" ? "vllm" : slug;
}

function sourceLines(d: Discovery): string[] {
  const lines: string[] = [];
  if (d.dcgmUrl !== undefined) lines.push(`  - { name: dcgm, kind: dcgm, url: ${q(d.dcgmUrl)} }`);
  else if (d.nvidiaGpuExporterUrl !== undefined)
    lines.push(`  - { name: gpux, kind: nvidia-gpu-exporter, url: ${q(d.nvidiaGpuExporterUrl)} }`);
  else if (d.nvidiaSmi !== undefined) {
    const cmd = d.nvidiaSmi === "nvidia-smi" ? "" : `, command: ${q(d.nvidiaSmi)}`;
    lines.push(`  - { name: smi, kind: nvidia-smi${cmd} }   # no GPU exporter found on loopback`);
  }
  if (d.dcgmUrl !== undefined && d.nvidiaGpuExporterUrl !== undefined)
    lines.push(
      `  # - { name: gpux, kind: nvidia-gpu-exporter, url: ${q(d.nvidiaGpuExporterUrl)} }   # also found; dcgm preferred (energy counter)`,
    );
  if (d.vllmUrl !== undefined) lines.push(`  - { name: vllm, kind: vllm, url: ${q(d.vllmUrl)} }`);
  return lines;
}

function workloadLines(d: Discovery): string[] {
  if (d.vllmUrl === undefined)
    return ["workloads: []   # add one per inference server (see the docs)"];
  const indices = d.gpus.length > 0 ? d.gpus.map((g) => g.index) : d.dcgmGpuIndices;
  const model = d.vllmModels.length === 1 ? d.vllmModels[0] : undefined;
  const body = [
    `  - name: ${q(workloadNameFor(model))}`,
    "    tokens: vllm",
    ...(model === undefined ? [] : [`    model: ${q(model)}`]),
    `    gpus: [${indices.join(", ")}]   # all GPUs of the host: narrow this if vLLM uses fewer`,
    "    # tenant: acme",
  ];
  if (indices.length === 0)
    return [
      "workloads: []",
      "  # vLLM found, but no GPUs: fill in gpus and uncomment",
      ...body.map((l) => `  #${l}`),
    ];
  return ["workloads:", ...body];
}

/** A commented starter config; it passes parseAgentConfig (runInit checks before writing). */
export function renderStarterConfig(d: Discovery, nowIso: string): string {
  const gpuComment =
    d.gpus.length === 0
      ? [`# No GPUs listed: ${oneLine(d.nvidiaSmiError ?? "nvidia-smi reported none")}.`]
      : [
          "# GPUs found by nvidia-smi:",
          ...d.gpus.map((g) => `#   ${g.index}  ${g.uuid}  ${oneLine(g.name)}`),
        ];
  const sources = sourceLines(d);
  return [
    `# tokenwatt agent config, written by \`tokenwatt init\` on ${oneLine(d.hostname)} at ${nowIso}.`,
    "# Every key with its default: agent/config/agent.full.example.yaml. Review `site` and",
    "# `prices` before metering for real: they go on every usage line.",
    "",
    "agent:",
    `  id: ${q(agentIdFor(d.hostname))}`,
    "  window_s: 60",
    "  scrape_interval_s: 1",
    "  spool_dir: /var/lib/tokenwatt/spool",
    "  sink: /var/lib/tokenwatt/usage.ndjson   # usage lines as NDJSON until a collector is set",
    "  listen: 127.0.0.1:9464",
    "",
    "site:",
    '  metro: ""              # RegionId, e.g. fra',
    '  region_name: ""        # e.g. Frankfurt',
    '  hall: ""               # AvailabilityZone',
    '  rack: ""',
    "  lane: colocated        # public | reserved | regional | colocated | sovereign",
    '  sovereignty_zone: ""',
    '  provider: ""',
    "",
    "prices:",
    "  currency: USD",
    "  energy_per_kwh: 0.12",
    "  gpu_hour: 2.10",
    "  lane_discount: 0.0",
    "  carbon_g_per_kwh: 350",
    "  embodied_g_per_gpu_hour: 25",
    "  pue: 1.2",
    "",
    "gpus:",
    "  idle_w:",
    "    default: learn",
    "  ceiling_w: 1500",
    "",
    ...gpuComment,
    sources.length === 0 ? "sources: []   # no GPU exporter, nvidia-smi or vLLM found" : "sources:",
    ...sources,
    "",
    ...workloadLines(d),
    "",
    "attribution:",
    "  idle: spread",
    "",
    "# collector:",
    '#   urls: ["collector.example.net:4317"]',
    "#   tls: { ca: /etc/tokenwatt/ca.pem }",
    "",
  ].join("\n");
}
