/**
 * Scratch directories for re-pricing's lines files: in memory (/dev/shm) where it can be, as
 * a file lives for one insert and writing it to disk would only add writeback to the run.
 * A directory is named for its process, so a later store sweeps those that a killed process
 * left behind (in /dev/shm they would hold memory until reboot).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "tokenwatt-reprice-";
const OWNED = /^tokenwatt-reprice-(\d+)-/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes scratch directories under `base` whose process is gone; returns their names. */
export function sweepScratch(base: string): string[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = OWNED.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    rmSync(join(base, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** A new scratch directory for this process, under the first base that takes one. */
export function makeScratchDir(bases: readonly string[] = ["/dev/shm", tmpdir()]): string {
  let last: unknown;
  for (const base of bases) {
    sweepScratch(base);
    try {
      return mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
