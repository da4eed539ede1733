import type { SourceKind } from "../sources/types.js";

/** Every source kind the agent knows, at run time (mirrors `SourceKind`). */
export const SOURCE_KINDS = [
  "dcgm",
  "nvidia-gpu-exporter",
  "nvidia-smi",
  "vllm",
  "sglang",
  "tgi",
  "llamacpp",
  "trtllm",
  "nim",
  "litellm",
  "host-power",
  "facility-power",
  "redfish-cdu",
  "carbon-intensity",
] as const satisfies readonly SourceKind[];

// Compile-time guard: a kind added to `SourceKind` but not listed above fails here.
type MissingKind = Exclude<SourceKind, (typeof SOURCE_KINDS)[number]>;
const exhaustive: [MissingKind] extends [never] ? true : MissingKind = true;
void exhaustive;

/** Kinds that report per-workload token counters. */
export const TOKEN_KINDS: readonly SourceKind[] = [
  "vllm",
  "sglang",
  "tgi",
  "llamacpp",
  "trtllm",
  "nim",
  "litellm",
];

/** Kinds that report GPU power/energy. */
export const GPU_KINDS: readonly SourceKind[] = ["dcgm", "nvidia-gpu-exporter", "nvidia-smi"];

/** Kinds scraped over HTTP, so `url` is required. host-power reads RAPL without one. */
export const URL_REQUIRED_KINDS: readonly SourceKind[] = [
  "dcgm",
  "nvidia-gpu-exporter",
  ...TOKEN_KINDS,
  "facility-power",
  "redfish-cdu",
  "carbon-intensity",
];

/** Kinds that read one named series and therefore need `metric`. */
export const METRIC_REQUIRED_KINDS: readonly SourceKind[] = ["facility-power", "carbon-intensity"];

/** Kinds that take no `url` at all. */
export const LOCAL_ONLY_KINDS: readonly SourceKind[] = ["nvidia-smi"];
