/**
 * The kernel implementations a test should run against: the reference always, the WASM
 * kernel when kernel/src/wasm-kernel.ts exports `loadWasmKernel` and build/kernel.wasm is
 * built (`npm run build:kernel`). Use with `describe.each(await availableKernels())`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { referenceKernel } from "../../kernel/src/reference.js";
import type {
  Kernel,
  Stage1Output,
  Stage2Output,
  TenantSplitOutput,
} from "../../kernel/src/types.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface NamedKernel {
  name: string;
  kernel: Kernel;
}

type Loader = () => Kernel | Promise<Kernel>;

export async function availableKernels(): Promise<NamedKernel[]> {
  const kernels: NamedKernel[] = [{ name: "reference", kernel: referenceKernel }];
  const source = path.join(repoRoot, "kernel", "src", "wasm-kernel.ts");
  const wasm = path.join(repoRoot, "build", "kernel.wasm");
  if (!existsSync(source) || !existsSync(wasm)) {
    console.warn(`kernel tests: WASM kernel not available (${source}, ${wasm}); reference only`);
    return kernels;
  }
  // A computed specifier: the module may not exist when this helper is type-checked.
  const mod: { loadWasmKernel?: unknown } = await import(pathToFileURL(source).href);
  if (typeof mod.loadWasmKernel !== "function") {
    console.warn("kernel tests: wasm-kernel.ts has no loadWasmKernel export; reference only");
    return kernels;
  }
  kernels.push({ name: "wasm", kernel: await (mod.loadWasmKernel as Loader)() });
  return kernels;
}

/**
 * Copies of every output array: a kernel may return views into memory that its next call
 * reuses, so a test comparing two calls must copy the first.
 */
export function copyStage1(out: Stage1Output): Stage1Output {
  return {
    amount: out.amount.slice(),
    coveredS: out.coveredS.slice(),
    rejected: out.rejected.slice(),
  };
}

export function copyStage2(out: Stage2Output): Stage2Output {
  const n = out.count;
  return {
    count: n,
    reading: out.reading.slice(0, n),
    workload: out.workload.slice(0, n),
    tenant: out.tenant.slice(0, n),
    kind: out.kind.slice(0, n),
    gpuEnergyJ: out.gpuEnergyJ.slice(0, n),
    idleEnergyJ: out.idleEnergyJ.slice(0, n),
    hostEnergyJ: out.hostEnergyJ.slice(0, n),
    facilityEnergyJ: out.facilityEnergyJ.slice(0, n),
    gpuSeconds: out.gpuSeconds.slice(0, n),
    prompt: out.prompt.slice(0, n),
    cached: out.cached.slice(0, n),
    gen: out.gen.slice(0, n),
    requests: out.requests.slice(0, n),
    coverage: out.coverage.slice(0, n),
    energyCost: out.energyCost.slice(0, n),
    gpuTimeCost: out.gpuTimeCost.slice(0, n),
    listCost: out.listCost.slice(0, n),
    effectiveCost: out.effectiveCost.slice(0, n),
    carbonG: out.carbonG.slice(0, n),
  };
}

export function copyTenantSplit(out: TenantSplitOutput): TenantSplitOutput {
  return {
    prompt: out.prompt.slice(),
    cached: out.cached.slice(),
    gen: out.gen.slice(),
    requests: out.requests.slice(),
  };
}

/** |a − b| within `rel` of the larger magnitude (and of `floor`, for values near zero). */
export function close(a: number, b: number, rel = 1e-9, floor = 1e-12): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + floor;
}
