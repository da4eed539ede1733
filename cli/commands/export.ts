/**
 * `tokenwatt export`: FOCUS rows from a collector's store, optionally checked.
 *
 *   tokenwatt export --db PATH | --config collector.yaml --focus 1.2 --format csv|parquet
 *     [--from T] [--to T] [--metro M] [--tenant X] [--price-version V] --out FILE
 *     [--check] [--focus-dir DIR]
 *
 * `--db` names a DuckDB file. `--config` reads the collector config (export-config.ts): its
 * `store:` (a DuckDB `path`, or a ClickHouse `kind: clickhouse, url, database, username,
 * password_file`) and the optional `focus:` section. A DuckDB file is opened read-only, so
 * run it against a stopped collector's file or a copy (DuckDB admits one writing process).
 * A ClickHouse store is read while collectors keep writing: the selected lines are staged
 * into a temporary DuckDB file and exported from it (export-clickhouse.ts), with progress on
 * stderr for exports over one chunk. Exit codes: 0 ok, 1 export or check failed, 2 bad usage.
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { checkFocus, defaultFocusDir } from "../../collector/export/focus/check.js";
import {
  exportFocus,
  type FocusExportResult,
  type FocusFormat,
} from "../../collector/export/focus/export.js";
import { exportFocusFromClickHouse } from "../../collector/export/focus/export-clickhouse.js";
import type { FocusConstants } from "../../collector/export/focus/rows-sql.js";
import { ClickHouseStore } from "../../collector/store/clickhouse/store.js";
import {
  type ClickHouseStoreConfig,
  createStore,
  type StoreConfig,
} from "../../collector/store/create-store.js";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { packageRoot } from "../../kernel/src/wasm-module.js";
import { readExportConfig } from "./export-config.js";

export interface ExportCliOptions {
  db?: string;
  config?: string;
  focus: string;
  format: FocusFormat;
  from?: string;
  to?: string;
  metro?: string;
  tenant?: string;
  priceVersion?: string;
  out: string;
  check?: boolean;
  focusDir?: string;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Lines per staged chunk of a ClickHouse export; progress is shown past one chunk. */
const CHUNK_LINES = 50_000;

function exportArgs(options: ExportCliOptions, constants: Partial<FocusConstants>) {
  return {
    version: "1.2" as const,
    format: options.format,
    out: options.out,
    from: options.from,
    to: options.to,
    metro: options.metro,
    tenant: options.tenant,
    priceVersion: options.priceVersion,
    constants,
  };
}

async function fromDuckDb(
  path: string,
  options: ExportCliOptions,
  constants: Partial<FocusConstants>,
): Promise<FocusExportResult> {
  const store = new DuckDbStore({ path, readOnly: true });
  try {
    await store.start();
    return await exportFocus({ ...exportArgs(options, constants), store });
  } finally {
    await store.shutdown();
  }
}

async function fromClickHouse(
  config: ClickHouseStoreConfig,
  options: ExportCliOptions,
  constants: Partial<FocusConstants>,
  io: CliIo,
): Promise<FocusExportResult> {
  const store = await createStore(config);
  if (!(store instanceof ClickHouseStore)) throw new Error("expected a ClickHouse store");
  try {
    await store.start();
    return await exportFocusFromClickHouse({
      ...exportArgs(options, constants),
      store,
      chunkLines: CHUNK_LINES,
      onProgress: ({ staged, estimate }) => {
        if (estimate > CHUNK_LINES) {
          io.err(`staging from ClickHouse ${store.where}: ${staged} lines of at most ${estimate}`);
        }
      },
    });
  } finally {
    await store.shutdown();
  }
}

/** Runs the export (and check); resolves the process exit code. */
export async function runExport(options: ExportCliOptions, io: CliIo): Promise<number> {
  if (options.focus !== "1.2") {
    io.err(`TW_ERR_CLI_USAGE: --focus ${options.focus} is not supported (supported: 1.2)`);
    return 2;
  }
  let constants: Partial<FocusConstants> = {};
  let store: StoreConfig | undefined =
    options.db === undefined ? undefined : { kind: "duckdb", path: options.db };
  if (options.config !== undefined) {
    const read = await readExportConfig(options.config);
    if (!read.ok) {
      io.err(`TW_ERR_CLI_USAGE: ${read.message}`);
      return 2;
    }
    constants = read.config.constants;
    store ??= read.config.store;
  }
  if (store === undefined) {
    io.err(
      "TW_ERR_CLI_USAGE: give --db PATH, or --config with store.path or a ClickHouse store (kind: clickhouse)",
    );
    return 2;
  }
  try {
    const result =
      store.kind === "duckdb"
        ? await fromDuckDb(store.path, options, constants)
        : await fromClickHouse(store, options, constants, io);
    if (!result.ok) {
      io.err(`export failed: ${result.error.message}`);
      return 1;
    }
    io.out(`wrote ${result.rows} FOCUS ${options.focus} rows to ${result.path}`);
  } catch (error) {
    io.err(`export failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (!options.check) return 0;
  const focusDir = options.focusDir ?? defaultFocusDir(packageRoot());
  const checked = await checkFocus(options.out, {
    modelPath: resolve(focusDir, "requirements-model-1.2.json"),
  });
  if (!checked.ok) {
    io.err(`check failed to run: ${checked.error.message}`);
    return 1;
  }
  const { counts, results } = checked.report;
  for (const r of results) {
    if (r.status === "fail" || r.status === "warn") io.err(`${r.status} ${r.ruleId}: ${r.message}`);
  }
  io.out(
    `FOCUS check: ${counts.pass} pass, ${counts.fail} fail, ${counts.warn} warn, ${counts["not-applicable"]} not applicable`,
  );
  return checked.report.ok ? 0 : 1;
}

export function exportCommand(io: CliIo = { out: console.log, err: console.error }): Command {
  return new Command("export")
    .description("export stored usage as FOCUS cost rows (CSV or Parquet)")
    .option("--db <path>", "collector DuckDB file")
    .option(
      "--config <file>",
      "collector config: its store (DuckDB store.path, or a ClickHouse store) and focus:",
    )
    .option("--focus <version>", "FOCUS version", "1.2")
    .addOption(
      new Option("--format <format>", "file format").choices(["csv", "parquet"]).default("csv"),
    )
    .option("--from <time>", "first window start, YYYY-MM-DDTHH:mm:ssZ (inclusive)")
    .option("--to <time>", "last window start, YYYY-MM-DDTHH:mm:ssZ (exclusive)")
    .option("--metro <metro>", "only this metro (RegionId)")
    .option("--tenant <tenant>", "only this tenant (SubAccountId)")
    .option("--price-version <version>", "only lines priced by this price version")
    .requiredOption("--out <file>", "output file")
    .option("--check", "check the file against the FOCUS requirements model")
    .option(
      "--focus-dir <dir>",
      "folder with requirements-model-1.2.json (default ../shared/focus)",
    )
    .action(async (options: ExportCliOptions) => {
      process.exitCode = await runExport(options, io);
    });
}
