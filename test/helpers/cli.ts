import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = resolve(REPO_ROOT, "dist/cli/main.js");

/** Fails loudly when the CLI was not built: `npm ci` builds it, or `npm run build`. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI))
    throw new Error(
      `${CLI} is missing: run \`npm run build\` (npm ci does it) before the CLI tests`,
    );
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tokenwatt ARGS` to completion. */
export function runCli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  requireBuiltCli();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
