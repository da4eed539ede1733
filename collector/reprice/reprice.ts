/**
 * Re-pricing: stored GPU readings of `[from, to)` → WASM stage 2 with a new price book (and
 * optionally new attribution settings) → usage lines under a new price version. Restartable:
 * each chunk's lines and its "done" record commit together, and a re-run skips done ranges,
 * so running the same version again never writes a line twice. Readings stored after a
 * range was done are not picked up by a re-run; re-price under a new version for them.
 */
import { createHash } from "node:crypto";
import type { Kernel } from "../../kernel/src/types.js";
import type { ReadingChunk, Store, TimeRangeS } from "../store/types.js";
import { chunkSeconds, cutRanges, remainingRanges } from "./plan.js";
import type { PriceBook } from "./price-book.js";
import type { RepriceProgress } from "./progress.js";
import { type Attribution, repricedLines, stage2Input } from "./stage2-input.js";

export const DEFAULT_ATTRIBUTION: Attribution = {
  idleSeparate: false,
  promptWeight: 0.25,
  cachedWeight: 0.025,
};

export interface RepriceOptions {
  store: Store;
  kernel: Kernel;
  book: PriceBook;
  range: TimeRangeS;
  /** Default: the book's `version`, else `reprice-<hash of book and attribution>`. */
  version?: string;
  attribution?: Attribution;
  /** Readings per kernel call (default 1,000,000). */
  readingsPerChunk?: number;
  onProgress?: (p: RepriceProgress, final: boolean) => void;
  nowMs?: () => number;
}

/**
 * Seconds spent waiting for reads, in the kernel, and waiting for writes (the benchmark's
 * split). Reads and writes overlap the kernel, so these count only the waits for them.
 */
export interface RepriceTimings {
  readS: number;
  kernelS: number;
  writeS: number;
}

export type RepriceResult =
  | {
      ok: true;
      version: string;
      readings: number;
      lines: number;
      chunks: number;
      /** Ranges skipped because an earlier run of the version did them. */
      alreadyDone: TimeRangeS[];
      timings: RepriceTimings;
    }
  | { ok: false; error: RepriceError };

export type RepriceErrorCode = "TW_ERR_REPRICE_VERSION" | "TW_ERR_REPRICE_RANGE" | "TW_ERR_REPRICE";

export class RepriceError extends Error {
  constructor(
    readonly code: RepriceErrorCode,
    message: string,
    readonly version?: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = "RepriceError";
  }
}

/** What price_versions.book records for a re-priced version. */
export function versionBook(book: PriceBook, attribution: Attribution): Record<string, unknown> {
  const { version: _ignored, ...prices } = book;
  return { kind: "reprice", prices, attribution };
}

/** JSON with sorted keys, so two equal books compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function defaultVersion(book: PriceBook, attribution: Attribution): string {
  if (book.version !== undefined) return book.version;
  const hash = createHash("sha256").update(canonicalJson(versionBook(book, attribution)));
  return `reprice-${hash.digest("hex").slice(0, 12)}`;
}

/** Registers the version, or checks that an existing one has the same book. */
async function claimVersion(
  o: RepriceOptions,
  version: string,
  attribution: Attribution,
): Promise<RepriceError | undefined> {
  const book = versionBook(o.book, attribution);
  const existing = (await o.store.priceVersions()).find((v) => v.version === version);
  if (existing !== undefined) {
    if (canonicalJson(existing.book) === canonicalJson(book)) return undefined;
    return new RepriceError(
      "TW_ERR_REPRICE_VERSION",
      `price version "${version}" exists with another price book or attribution; choose a new --version`,
      version,
    );
  }
  if (await o.store.hasLinesOfVersion(version)) {
    return new RepriceError(
      "TW_ERR_REPRICE_VERSION",
      `price version "${version}" is already on lines shipped by agents; choose a new --version`,
      version,
    );
  }
  const from = new Date(o.range.fromS * 1000).toISOString();
  const to = new Date(o.range.toS * 1000).toISOString();
  await o.store.putPriceVersion({
    version,
    createdMs: (o.nowMs ?? Date.now)(),
    book,
    note: `re-priced ${from} .. ${to}`,
  });
  return undefined;
}

export async function reprice(o: RepriceOptions): Promise<RepriceResult> {
  const attribution = o.attribution ?? DEFAULT_ATTRIBUTION;
  const version = o.version ?? defaultVersion(o.book, attribution);
  const { fromS, toS } = o.range;
  if (!(Number.isFinite(fromS) && Number.isFinite(toS) && fromS < toS)) {
    const error = new RepriceError(
      "TW_ERR_REPRICE_RANGE",
      `empty or invalid range [${fromS}, ${toS})`,
      version,
    );
    return { ok: false, error };
  }
  const timings: RepriceTimings = { readS: 0, kernelS: 0, writeS: 0 };
  try {
    const conflict = await claimVersion(o, version, attribution);
    if (conflict !== undefined) return { ok: false, error: conflict };
    const done = await o.store.repricedRanges(version);
    const todo = remainingRanges(o.range, done);
    let total = 0;
    for (const r of todo) total += await o.store.countReadings(r);
    const span = todo.reduce((s, r) => s + r.toS - r.fromS, 0);
    const chunks = cutRanges(todo, chunkSeconds(total, span, o.readingsPerChunk ?? 1_000_000));
    const started = performance.now();
    const progress = { version, done: 0, total, elapsedS: 0, lines: 0 };
    // A pipeline: while chunk N is priced here, chunk N-1's write and the reads of chunks
    // N+1 and N+2 run on the store's side. Writes stay in order, one at a time, so a
    // failed one stops the run with every earlier range committed and recorded as done.
    const handled = <T>(p: Promise<T>) => {
      p.catch(() => undefined); // awaited below; an earlier failure must not leave it unhandled
      return p;
    };
    const read = (i: number) =>
      i < chunks.length ? handled(o.store.readReadingChunk(chunks[i])) : undefined;
    const reads = [read(0), read(1)];
    let writing: Promise<void> = Promise.resolve();
    for (let i = 0; i < chunks.length; i++) {
      let t = performance.now();
      const chunk = await (reads[i] as Promise<ReadingChunk>);
      timings.readS += (performance.now() - t) / 1000;
      reads[i] = undefined; // the chunk is this loop's now; let the array forget it
      reads.push(read(i + 2));
      t = performance.now();
      const lines = repricedLines(
        o.kernel.attribute(stage2Input(o.kernel, chunk, o.book, attribution)),
      );
      timings.kernelS += (performance.now() - t) / 1000;
      t = performance.now();
      await writing;
      timings.writeS += (performance.now() - t) / 1000;
      writing = handled(
        o.store
          .writeRepricedLines(chunk, lines, { version, currency: o.book.currency })
          .then((written) => {
            progress.lines += written;
            progress.done += chunk.count;
            progress.elapsedS = (performance.now() - started) / 1000;
            o.onProgress?.(progress, false);
          }),
      );
    }
    const t = performance.now();
    await writing;
    timings.writeS += (performance.now() - t) / 1000;
    progress.elapsedS = (performance.now() - started) / 1000;
    o.onProgress?.(progress, true);
    const alreadyDone = remainingRanges(o.range, todo);
    return {
      ok: true,
      version,
      readings: progress.done,
      lines: progress.lines,
      chunks: chunks.length,
      alreadyDone,
      timings,
    };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: new RepriceError("TW_ERR_REPRICE", message, version, { cause }) };
  }
}
