// Compiles the AssemblyScript kernel (and the bench's ceiling module) into build/.
// Called by `npm run build:kernel`, hence by `npm ci` (prepare → build).
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(root, "build");
mkdirSync(out, { recursive: true });

// No runtime and no abort import: the kernel never allocates and never throws.
const common = ["-O3", "--enable", "simd", "--runtime", "stub", "--noAssert", "--use", "abort="];

const targets = [
  { entry: "kernel/assembly/index.ts", file: "kernel.wasm", extra: [] },
  // Imports the kernel's memory so the bench reads the very same bytes.
  { entry: "kernel/assembly/ceiling.ts", file: "ceiling.wasm", extra: ["--importMemory"] },
];

for (const t of targets) {
  const { error, stderr } = await asc.main(
    [resolve(root, t.entry), ...common, ...t.extra, "--outFile", resolve(out, t.file)],
    {},
  );
  if (error) {
    process.stderr.write(stderr.toString());
    process.stderr.write(`kernel build failed: ${t.entry}: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`built build/${t.file}\n`);
}
