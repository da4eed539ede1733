import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Runtime (non-type) static imports and re-exports of a TypeScript module. */
function staticImports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) out.push(m[1]);
  return out;
}

/** Every module the agent command loads before its action runs: files and bare packages. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) {
        const ts = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
        if (existsSync(ts)) todo.push(ts);
      } else if (!spec.startsWith("node:")) {
        packages.add(
          spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0],
        );
      }
    }
  }
  return { files, packages };
}

describe("the agent process loads no collector, gRPC or DuckDB code (issue 3: footprint)", () => {
  it("cli/main.ts imports no command module statically", () => {
    const main = resolve(repoRoot, "cli/main.ts");
    expect(staticImports(main).filter((s) => s.startsWith("./commands/"))).toEqual([]);
  });

  it("the agent command's static import graph stays on the agent side", () => {
    const { files, packages } = staticClosure(resolve(repoRoot, "cli/commands/agent.ts"));
    const rel = [...files].map((f) => relative(repoRoot, f));
    expect(rel).toContain("agent/runtime/agent.ts");
    expect(rel.filter((f) => f.startsWith("collector/") || f.startsWith("agent/shipper/"))).toEqual(
      [],
    );
    for (const heavy of ["@grpc/grpc-js", "@duckdb/node-api", "@clickhouse/client", "protobufjs"]) {
      expect(packages.has(heavy), heavy).toBe(false);
    }
  });
});
