/**
 * Finds and compiles build/kernel.wasm once per process; each runtime then instantiates
 * it with its own linear memory. The file is resolved from the package root, found by
 * walking up from this module, so it works from kernel/src/*.ts (vitest) and from
 * dist/kernel/src/*.js (after tsc) alike.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** build/kernel.wasm (or the bench's ceiling module) is missing: the kernel was not built. */
export class KernelWasmMissingError extends Error {
  readonly code = "TW_ERR_KERNEL_WASM_MISSING";
  constructor(readonly file: string) {
    super(`${file} not found: run \`npm run build:kernel\` (npm ci runs it via prepare)`);
    this.name = "KernelWasmMissingError";
  }
}

/** Raw exports of build/kernel.wasm; pointers are byte offsets into `memory`. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  integrate(...args: number[]): number;
  attribute(desc: number, promptWeight: number, cachedWeight: number, idleSeparate: number): number;
  splitTenants(...args: number[]): number;
  stepMean(...args: number[]): number;
  derive(...args: number[]): number;
}

const compiled = new Map<string, WebAssembly.Module>();

/** The package root: the nearest ancestor holding package.json and build/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "kernel", "build.mjs"))) {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new KernelWasmMissingError("build/kernel.wasm (package root not found)");
    dir = up;
  }
}

/** Compiles build/<name> on first use (synchronously) and caches the module. */
export function wasmModule(name: "kernel.wasm" | "ceiling.wasm"): WebAssembly.Module {
  const hit = compiled.get(name);
  if (hit) return hit;
  const file = join(packageRoot(), "build", name);
  if (!existsSync(file)) throw new KernelWasmMissingError(file);
  const mod = new WebAssembly.Module(readFileSync(file));
  compiled.set(name, mod);
  return mod;
}

/** A fresh instance of the kernel with its own memory. */
export function instantiateKernel(): KernelExports {
  const instance = new WebAssembly.Instance(wasmModule("kernel.wasm"), {});
  const ex = instance.exports;
  for (const f of ["heapBase", "integrate", "attribute", "splitTenants", "stepMean", "derive"]) {
    if (typeof ex[f] !== "function") {
      throw new KernelWasmMissingError(`build/kernel.wasm export ${f} (stale build?)`);
    }
  }
  return ex as unknown as KernelExports;
}
