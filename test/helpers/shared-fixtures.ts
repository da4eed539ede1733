import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repo root (this file lives in test/helpers/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** ../shared relative to the repo root: real exporter captures, not copied into the repo. */
export const SHARED_DIR = resolve(REPO_ROOT, "..", "shared");
export const SHARED_FIXTURES = resolve(SHARED_DIR, "fixtures");
export const HAVE_SHARED = existsSync(SHARED_FIXTURES);

/** Logs, once per calling suite, why shared-fixture tests are skipped. */
export function warnIfNoShared(suite: string): void {
  if (!HAVE_SHARED) {
    console.warn(`[${suite}] SKIPPED: ${SHARED_FIXTURES} not found (shared fixtures absent)`);
  }
}

export function readShared(relative: string): string {
  return readFileSync(resolve(SHARED_FIXTURES, relative), "utf8");
}

export function readLocalFixture(relative: string): string {
  return readFileSync(resolve(REPO_ROOT, "test", "fixtures", relative), "utf8");
}
