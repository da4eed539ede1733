/**
 * The real `tokenwatt` CLI as a child process, run from source through vite-node (no build
 * needed), so tests can SIGKILL it like an operator's `kill -9`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");

export interface CliChild {
  proc: ChildProcess;
  /** stdout + stderr so far. */
  output: () => string;
  /** Resolves when the output matches `re` (rejects after `timeoutMs` or if the child exits). */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): CliChild {
  const proc = spawn(
    process.execPath,
    [
      join(repoRoot, "node_modules/vite-node/vite-node.mjs"),
      join(repoRoot, "cli/main.ts"),
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    proc.on("exit", (code, signal) => {
      ok({ code, signal });
      for (const l of listeners) l();
    }),
  );
  const waitFor = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((ok, fail) => {
      const check = () => {
        if (re.test(out)) {
          done();
          ok();
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          done();
          fail(new Error(`child exited before ${re}: ${out.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        fail(new Error(`timed out waiting for ${re}: ${out.slice(-2000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { proc, output: () => out, waitFor, exited };
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}
