/** Simulator options, their defaults in one function, and eager validation. */

export interface SimWorkloadSpec {
  /** Workload name in the agent config, e.g. `llama-70b`. */
  name: string;
  /** Served model (vLLM `model_name`). */
  model: string;
  /** GPU indices it runs on. */
  gpus: number[];
  /** Endpoint name (fault target, source name); default `vllm-a`, `vllm-b`, … by position. */
  endpoint?: string;
  /** Generated tokens per second per GPU at full load; default 1500. */
  genTokensPerSecPerGpu?: number;
}

export interface SimTenantSpec {
  name: string;
  /** Relative share of every workload's traffic through the gateway. */
  weight: number;
}

export interface EndpointFault {
  /** Delay before answering, ms. */
  slowMs: number;
  /** Answer 200 with a body that is not valid exposition. */
  garbage: boolean;
  /** `refused`: the port stops listening; `503`: it answers 503. */
  down: false | "refused" | "503";
}

export interface SimulatorOptions {
  /** Number of GPUs (H100-class); default 8. */
  gpus?: number;
  /** A count (generated specs) or explicit specs; default 2. */
  workloads?: number | SimWorkloadSpec[];
  /** A count (generated) or explicit tenants; default 3. */
  tenants?: number | SimTenantSpec[];
  /** Same seed, same simulation; default 1. */
  seed?: number;
  /** Epoch milliseconds; default Date.now. Inject for tests. */
  clock?: () => number;
  /** Knot spacing of the piecewise-linear signals, ms; default 200. */
  stepMs?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** First port (dcgm; then each vLLM, the gateway, control); default 0 = ephemeral. */
  portBase?: number;
  /** dcgm-exporter `Hostname` label; default `sim-host`. */
  hostname?: string;
  /** Faults active from the start, by endpoint name. */
  faults?: Record<string, Partial<EndpointFault>>;
}

export interface ResolvedSimOptions {
  gpuCount: number;
  workloads: Required<SimWorkloadSpec>[];
  tenants: SimTenantSpec[];
  seed: number;
  clock: () => number;
  stepMs: number;
  host: string;
  portBase: number;
  hostname: string;
  faults: Record<string, Partial<EndpointFault>>;
}

/** Misconfigured simulator options (thrown by startSimulator before anything listens). */
export class SimulatorOptionsError extends Error {
  readonly code = "TW_ERR_SIM_OPTIONS";
  constructor(readonly problems: string[]) {
    super(`invalid simulator options:\n  - ${problems.join("\n  - ")}`);
    this.name = "SimulatorOptionsError";
  }
}

const MODELS: [string, string][] = [
  ["llama-70b", "meta-llama/Llama-3.1-70B-Instruct"],
  ["qwen-32b", "Qwen/Qwen2.5-32B-Instruct"],
  ["llama-8b", "meta-llama/Llama-3.1-8B-Instruct"],
  ["mistral-24b", "mistralai/Mistral-Small-24B-Instruct-2501"],
];
const TENANTS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"];

function endpointName(i: number): string {
  return `vllm-${i < 26 ? String.fromCharCode(97 + i) : i}`;
}

/** N workloads over G GPUs in contiguous, nearly equal blocks (earlier ones get the extra). */
function generatedWorkloads(n: number, gpuCount: number): SimWorkloadSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const [base, model] = MODELS[i % MODELS.length];
    const from = Math.floor((i * gpuCount) / n);
    const to = Math.floor(((i + 1) * gpuCount) / n);
    const gpus = Array.from({ length: Math.max(0, to - from) }, (_, j) => from + j);
    const name = i < MODELS.length ? base : `${base}-${i}`;
    return { name, model, gpus };
  });
}

export function resolveSimOptions(o: SimulatorOptions): ResolvedSimOptions {
  const problems: string[] = [];
  const gpuCount = o.gpus ?? 8;
  if (!Number.isInteger(gpuCount) || gpuCount < 1 || gpuCount > 1024)
    problems.push(`gpus must be an integer 1..1024; got ${gpuCount}`);
  const specs =
    typeof o.workloads === "object" ? o.workloads : generatedWorkloads(o.workloads ?? 2, gpuCount);
  if (typeof o.workloads === "number" && (o.workloads < 0 || o.workloads > gpuCount))
    problems.push(`workloads must be 0..gpus (${gpuCount}); got ${o.workloads}`);
  const workloads = specs.map((w, i) => ({
    endpoint: endpointName(i),
    genTokensPerSecPerGpu: 1500,
    ...w,
  }));
  const names = new Set<string>(["dcgm", "gateway", "control"]);
  for (const [i, w] of workloads.entries()) {
    for (const n of new Set([w.name, w.endpoint])) {
      if (names.has(n)) problems.push(`workloads[${i}]: name "${n}" is used twice or reserved`);
      names.add(n);
    }
    if (w.gpus.length === 0) problems.push(`workloads[${i}] (${w.name}) has no GPUs`);
    for (const g of w.gpus)
      if (!Number.isInteger(g) || g < 0 || g >= gpuCount)
        problems.push(`workloads[${i}] (${w.name}): GPU ${g} is not in 0..${gpuCount - 1}`);
  }
  const tenants =
    typeof o.tenants === "object"
      ? o.tenants
      : Array.from({ length: o.tenants ?? 3 }, (_, i) => ({
          name: TENANTS[i] ?? `tenant-${i}`,
          // Decreasing shares, like real tenant mixes: 1, 1/2, 1/3, …
          weight: 1 / (i + 1),
        }));
  if (tenants.some((t) => !(t.weight > 0))) problems.push("tenant weights must be > 0");
  if (new Set(tenants.map((t) => t.name)).size !== tenants.length)
    problems.push("tenant names must be unique");
  const stepMs = o.stepMs ?? 200;
  if (!Number.isInteger(stepMs) || stepMs < 1)
    problems.push(`stepMs must be a positive integer; got ${stepMs}`);
  const portBase = o.portBase ?? 0;
  if (!Number.isInteger(portBase) || portBase < 0 || portBase + workloads.length + 2 > 65535)
    problems.push(`portBase ${portBase} leaves no room for ${workloads.length + 3} ports`);
  const faults = o.faults ?? {};
  for (const name of Object.keys(faults))
    if (!names.has(name) || name === "control") problems.push(`faults: unknown endpoint "${name}"`);
  if (problems.length > 0) throw new SimulatorOptionsError(problems);
  return {
    gpuCount,
    workloads,
    tenants,
    seed: o.seed ?? 1,
    clock: o.clock ?? Date.now,
    stepMs,
    host: o.host ?? "127.0.0.1",
    portBase,
    hostname: o.hostname ?? "sim-host",
    faults,
  };
}
