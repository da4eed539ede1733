/**
 * `tokenwatt reprice`: re-runs kernel stage 2 over stored GPU readings with a new price book
 * and writes the lines under a new price version (collector/reprice/reprice.ts).
 *
 *   tokenwatt reprice --db PATH | --config collector.yaml --prices PRICES.yaml
 *     --from T --to T [--version NAME] [--idle spread|separate]
 *     [--prompt-weight a] [--cached-weight b] [--chunk-readings N]
 *
 * Needs write access to the store: run it against a stopped collector's file (DuckDB admits
 * one writing process). Progress goes to stderr; a re-run of the same version resumes.
 * Exit codes: 0 done, 1 failed, 2 bad usage or configuration.
 */
import { Command, Option } from "commander";
import { loadPriceBook, type PriceBook } from "../../collector/reprice/price-book.js";
import { progressWriter } from "../../collector/reprice/progress.js";
import { DEFAULT_ATTRIBUTION, reprice } from "../../collector/reprice/reprice.js";
import { createStore, type StoreConfig } from "../../collector/store/create-store.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import type { CliIo } from "./export.js";
import { readExportConfig } from "./export-config.js";

export interface RepriceCliOptions {
  db?: string;
  config?: string;
  prices: string;
  from: string;
  to: string;
  version?: string;
  idle: "spread" | "separate";
  promptWeight: string;
  cachedWeight: string;
  chunkReadings?: string;
}

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function epochS(text: string): number | undefined {
  if (!UTC_SECONDS.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

function weight(text: string): number | undefined {
  const v = Number(text);
  return text.trim() !== "" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** The store to re-price: `--db PATH`, or the collector config's store (DuckDB or ClickHouse). */
async function storeConfig(o: RepriceCliOptions): Promise<StoreConfig | string | undefined> {
  if (o.db !== undefined) return { kind: "duckdb", path: o.db };
  if (o.config === undefined) return undefined;
  const read = await readExportConfig(o.config);
  return read.ok ? read.config.store : read.message;
}

export async function runReprice(o: RepriceCliOptions, io: CliIo): Promise<number> {
  const fromS = epochS(o.from);
  const toS = epochS(o.to);
  const promptWeight = weight(o.promptWeight);
  const cachedWeight = weight(o.cachedWeight);
  const chunk = o.chunkReadings === undefined ? 1_000_000 : Number(o.chunkReadings);
  const usage = [
    fromS === undefined ? `--from ${o.from}: expected YYYY-MM-DDTHH:mm:ssZ` : "",
    toS === undefined ? `--to ${o.to}: expected YYYY-MM-DDTHH:mm:ssZ` : "",
    fromS !== undefined && toS !== undefined && toS <= fromS
      ? "--to must be later than --from"
      : "",
    promptWeight === undefined ? `--prompt-weight ${o.promptWeight}: expected a number ≥ 0` : "",
    cachedWeight === undefined ? `--cached-weight ${o.cachedWeight}: expected a number ≥ 0` : "",
    !(Number.isInteger(chunk) && chunk > 0)
      ? `--chunk-readings ${o.chunkReadings}: expected a positive integer`
      : "",
  ].filter((s) => s !== "");
  const target = await storeConfig(o);
  if (target === undefined) usage.push("give --db PATH, or --config with a store section");
  if (typeof target === "string") usage.push(target);
  if (
    usage.length > 0 ||
    fromS === undefined ||
    toS === undefined ||
    target === undefined ||
    typeof target === "string"
  ) {
    for (const u of usage) io.err(`TW_ERR_CLI_USAGE: ${u}`);
    return 2;
  }
  let book: PriceBook;
  try {
    book = await loadPriceBook(o.prices);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const store = await createStore(target);
  try {
    await store.start();
    const result = await reprice({
      store,
      kernel: loadWasmKernel(),
      book,
      range: { fromS, toS },
      version: o.version,
      attribution: {
        idleSeparate: o.idle === "separate",
        promptWeight: promptWeight ?? DEFAULT_ATTRIBUTION.promptWeight,
        cachedWeight: cachedWeight ?? DEFAULT_ATTRIBUTION.cachedWeight,
      },
      readingsPerChunk: chunk,
      onProgress: progressWriter(process.stderr),
    });
    if (!result.ok) {
      io.err(`reprice failed: ${result.error.message}`);
      return 1;
    }
    const skipped =
      result.alreadyDone.length > 0
        ? ` (${result.alreadyDone.length} range(s) already done, skipped)`
        : "";
    io.out(
      `price version ${result.version}: ${result.readings} readings → ${result.lines} lines${skipped}`,
    );
    return 0;
  } catch (error) {
    io.err(`reprice failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store.shutdown();
  }
}

export function repriceCommand(io: CliIo = { out: console.log, err: console.error }): Command {
  return new Command("reprice")
    .description("re-price stored GPU readings with a new price book under a new price version")
    .option("--db <path>", "collector DuckDB file")
    .option("--config <file>", "collector config (its store: DuckDB store.path or ClickHouse)")
    .requiredOption("--prices <file>", "price book (see collector/prices.example.yaml)")
    .requiredOption("--from <time>", "first window start, YYYY-MM-DDTHH:mm:ssZ (inclusive)")
    .requiredOption("--to <time>", "last window start, YYYY-MM-DDTHH:mm:ssZ (exclusive)")
    .option(
      "--version <name>",
      "price version to write (default: the book's version, else derived from the book)",
    )
    .addOption(
      new Option("--idle <mode>", "idle energy: spread over usage, or separate idle lines")
        .choices(["spread", "separate"])
        .default("spread"),
    )
    .option("--prompt-weight <a>", "weight of uncached prompt tokens", "0.25")
    .option("--cached-weight <b>", "weight of cached prompt tokens", "0.025")
    .option("--chunk-readings <n>", "readings per kernel call (default 1000000)")
    .action(async (options: RepriceCliOptions) => {
      process.exitCode = await runReprice(options, io);
    });
}
