/**
 * Scratch directories for re-pricing's lines files: in memory (/dev/shm) where it can be, as
 * a file lives for one insert and writing it to disk would only add writeback to the run.
 * A directory is named for its process, so a later store sweeps those that a killed process
 * left behind (in /dev/shm they would hold memory until reboot). A base without room for a
 * chunk is passed over.
 */
import { mkdtempSync, readdirSync, rmSync, statfsSync } from "node:fs";
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

/**
 * A chunk's lines file is ≈ 140 MB per million lines: a base with less free space than this
 * is passed over (a container's /dev/shm is often 64 MB), except the last, the fallback.
 */
export const MIN_FREE_BYTES = 1 << 30;

function freeBytes(base: string): number {
  try {
    const s = statfsSync(base);
    return s.bavail * s.bsize;
  } catch {
    return 0;
  }
}

/**
 * A new scratch directory for this process, under the first base that has room and takes
 * one; the last base is used whatever its free space.
 */
export function makeScratchDir(
  bases: readonly string[] = ["/dev/shm", tmpdir()],
  minFreeBytes = MIN_FREE_BYTES,
): string {
  let last: unknown;
  for (const [i, base] of bases.entries()) {
    if (i < bases.length - 1 && freeBytes(base) < minFreeBytes) continue;
    sweepScratch(base);
    try {
      return mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
