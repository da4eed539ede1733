import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeScratchDir, sweepScratch } from "../../../collector/store/duckdb/scratch.js";

const base = mkdtempSync(join(tmpdir(), "tw-scratch-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

describe("re-pricing scratch directories", () => {
  it("sweeps the directories of exited processes and keeps live ones and others", () => {
    const dead = join(base, `tokenwatt-reprice-${deadPid()}-abc123`);
    const live = join(base, `tokenwatt-reprice-${process.pid}-def456`);
    const other = join(base, "unrelated-dir");
    for (const d of [dead, live, other]) mkdirSync(d);
    writeFileSync(join(dead, "lines-1.parquet"), "x");
    expect(sweepScratch(base)).toEqual([dead.slice(base.length + 1)]);
    expect([existsSync(dead), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
  });

  it("makes one named for this process, falling back to the next base", () => {
    const dir = makeScratchDir([join(base, "missing", "deeper"), base]);
    expect(dir.startsWith(join(base, `tokenwatt-reprice-${process.pid}-`))).toBe(true);
    expect(existsSync(dir)).toBe(true);
    expect(() => makeScratchDir([join(base, "missing", "deeper")])).toThrow(/ENOENT/);
  });

  it("passes over a base without room for a chunk, unless it is the last", () => {
    const roomy = mkdtempSync(join(tmpdir(), "tw-scratch-roomy-"));
    try {
      const tooSmall = makeScratchDir([base, roomy], Number.MAX_SAFE_INTEGER);
      expect(tooSmall.startsWith(join(roomy, "tokenwatt-reprice-"))).toBe(true);
      const last = makeScratchDir([base], Number.MAX_SAFE_INTEGER);
      expect(last.startsWith(join(base, "tokenwatt-reprice-"))).toBe(true);
    } finally {
      rmSync(roomy, { recursive: true, force: true });
    }
  });
});
