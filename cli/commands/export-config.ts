/**
 * What `tokenwatt export --config` reads from a collector config: the store (`store.path` of
 * a DuckDB store, or a ClickHouse store as in collector/store/create-store.ts) and the
 * optional `focus:` section. Relative paths (`store.path`, `store.password_file`) are taken
 * relative to the config file. Only these keys are read, so a config written for an older or
 * newer collector still exports.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { FocusConstants } from "../../collector/export/focus/rows-sql.js";
import type { StoreConfig } from "../../collector/store/create-store.js";

interface CollectorFile {
  store?: {
    kind?: string;
    path?: string;
    url?: string;
    database?: string;
    username?: string;
    password_file?: string;
  };
  focus?: {
    provider_name?: string;
    billing_account_id?: string;
    billing_account_name?: string;
    invoice_issuer_name?: string;
    service_name?: string;
    region_names?: Record<string, string>;
  };
}

export interface ExportConfig {
  store?: StoreConfig;
  constants: Partial<FocusConstants>;
}

export type ExportConfigResult =
  | { ok: true; config: ExportConfig }
  | { ok: false; message: string };

function constantsOf(f: NonNullable<CollectorFile["focus"]>): Partial<FocusConstants> {
  const constants: Partial<FocusConstants> = {};
  if (f.provider_name) constants.providerName = f.provider_name;
  if (f.billing_account_id) constants.billingAccountId = f.billing_account_id;
  if (f.billing_account_name) constants.billingAccountName = f.billing_account_name;
  if (f.invoice_issuer_name) constants.invoiceIssuerName = f.invoice_issuer_name;
  if (f.service_name) constants.serviceName = f.service_name;
  if (f.region_names) constants.regionNames = f.region_names;
  return constants;
}

function storeOf(
  s: NonNullable<CollectorFile["store"]>,
  base: string,
): StoreConfig | string | undefined {
  const local = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  if (s.kind === "clickhouse") {
    if (typeof s.url !== "string" || s.url === "") return "store.url is required for ClickHouse";
    return {
      kind: "clickhouse",
      url: s.url,
      ...(s.database === undefined ? {} : { database: s.database }),
      ...(s.username === undefined ? {} : { username: s.username }),
      ...(s.password_file === undefined ? {} : { password_file: local(s.password_file) }),
      collector_name: "tokenwatt-export",
    };
  }
  if (s.kind !== undefined && s.kind !== "duckdb") {
    return `store.kind must be duckdb or clickhouse, got ${JSON.stringify(s.kind)}`;
  }
  return s.path === undefined ? undefined : { kind: "duckdb", path: local(s.path) };
}

/** Reads the config; a store section the export cannot use is a message (usage error). */
export async function readExportConfig(path: string): Promise<ExportConfigResult> {
  const file = (parseYaml(await readFile(path, "utf8")) ?? {}) as CollectorFile;
  const store = file.store === undefined ? undefined : storeOf(file.store, dirname(path));
  if (typeof store === "string") return { ok: false, message: `${path}: ${store}` };
  return {
    ok: true,
    config: { ...(store === undefined ? {} : { store }), constants: constantsOf(file.focus ?? {}) },
  };
}
