import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "tw-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it reports a commit, then SIGKILLs it; resolves the lines it committed. */
function ingestThenKill(dbPath: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(
      join(repoRoot, "node_modules/.bin/vite-node"),
      [join(repoRoot, "test/helpers/store-ingest-child.ts"), dbPath],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /committed (\d+)\n/.exec(out);
      if (m) {
        child.kill("SIGKILL");
        child.on("exit", (_code, signal) => {
          if (signal === "SIGKILL") done(Number(m[1]));
          else fail(new Error(`child exited with ${signal}`));
        });
      }
    });
    child.on("error", fail);
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") fail(new Error(`child exited ${code} before committing: ${err}`));
    });
  });
}

describe("DuckDbStore durability", () => {
  it("keeps a committed batch after the process is SIGKILLed right after commit", async () => {
    const dbPath = join(dir, "killed.duckdb");
    const committed = await ingestThenKill(dbPath);
    expect(committed).toBeGreaterThan(0);
    const store = new DuckDbStore({ path: dbPath });
    await store.start();
    try {
      const totals = await store.lineTotals();
      expect(totals.lines).toBeGreaterThanOrEqual(committed);
      const [agent] = await store.agents();
      expect(agent.lastSeq).toBeGreaterThanOrEqual(1);
      const rollupLines = (await store.rollup({ by: [] })).reduce((s, r) => s + r.lines, 0);
      expect(rollupLines).toBe(totals.lines);
    } finally {
      await store.shutdown();
    }
  });
});
