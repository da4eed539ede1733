/**
 * `tokenwatt export`: FOCUS rows from a collector's DuckDB store, optionally checked.
 *
 *   tokenwatt export --db PATH | --config collector.yaml --focus 1.2 --format csv|parquet
 *     [--from T] [--to T] [--metro M] [--tenant X] [--price-version V] --out FILE
 *     [--check] [--focus-dir DIR]
 *
 * The store is opened read-only, so run it against a stopped collector's file or a copy
 * (DuckDB admits one writing process). From `--config` it reads `store.path` and the
 * optional `focus:` section (provider_name, billing_account_id, billing_account_name,
 * invoice_issuer_name, service_name, region_names). Exit codes: 0 ok, 1 export or check
 * failed, 2 bad usage.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Command, Option } from "commander";
import { parse as parseYaml } from "yaml";
import { checkFocus, defaultFocusDir } from "../../collector/export/focus/check.js";
import { exportFocus, type FocusFormat } from "../../collector/export/focus/export.js";
import type { FocusConstants } from "../../collector/export/focus/rows-sql.js";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { packageRoot } from "../../kernel/src/wasm-module.js";

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

interface CollectorFile {
  store?: { path?: string };
  focus?: {
    provider_name?: string;
    billing_account_id?: string;
    billing_account_name?: string;
    invoice_issuer_name?: string;
    service_name?: string;
    region_names?: Record<string, string>;
  };
}

async function fromConfig(
  path: string,
): Promise<{ db?: string; constants: Partial<FocusConstants> }> {
  const file = (parseYaml(await readFile(path, "utf8")) ?? {}) as CollectorFile;
  const f = file.focus ?? {};
  const constants: Partial<FocusConstants> = {};
  if (f.provider_name) constants.providerName = f.provider_name;
  if (f.billing_account_id) constants.billingAccountId = f.billing_account_id;
  if (f.billing_account_name) constants.billingAccountName = f.billing_account_name;
  if (f.invoice_issuer_name) constants.invoiceIssuerName = f.invoice_issuer_name;
  if (f.service_name) constants.serviceName = f.service_name;
  if (f.region_names) constants.regionNames = f.region_names;
  const db = file.store?.path === undefined ? undefined : resolve(dirname(path), file.store.path);
  return { db, constants };
}

/** Runs the export (and check); resolves the process exit code. */
export async function runExport(options: ExportCliOptions, io: CliIo): Promise<number> {
  if (options.focus !== "1.2") {
    io.err(`TW_ERR_CLI_USAGE: --focus ${options.focus} is not supported (supported: 1.2)`);
    return 2;
  }
  const config = options.config ? await fromConfig(options.config) : { constants: {} };
  const db = options.db ?? config.db;
  if (db === undefined) {
    io.err("TW_ERR_CLI_USAGE: give --db PATH, or --config with store.path");
    return 2;
  }
  const store = new DuckDbStore({ path: db, readOnly: true });
  try {
    await store.start();
    const result = await exportFocus({
      store,
      version: "1.2",
      format: options.format,
      out: options.out,
      from: options.from,
      to: options.to,
      metro: options.metro,
      tenant: options.tenant,
      priceVersion: options.priceVersion,
      constants: config.constants,
    });
    if (!result.ok) {
      io.err(`export failed: ${result.error.message}`);
      return 1;
    }
    io.out(`wrote ${result.rows} FOCUS ${options.focus} rows to ${result.path}`);
  } catch (error) {
    io.err(`export failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store.shutdown();
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
    .option("--config <file>", "collector config (store.path, focus:)")
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
