/**
 * Loads `@duckdb/node-api` on demand. It is an optional dependency (a native addon) so the
 * agent package installs without it; only a collector with the DuckDB store needs it.
 */
import { createRequire } from "node:module";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { StoreError } from "../errors.js";

export type DuckDbModule = typeof import("@duckdb/node-api");
export type DuckDbBindings = typeof import("@duckdb/node-bindings");

/**
 * The native bindings `@duckdb/node-api` itself uses (resolved from its own location, so
 * the two always share one addon), for the bulk writer's buffer-level calls.
 */
export function loadBindings(): DuckDbBindings {
  const require = createRequire(import.meta.url);
  const api = require.resolve("@duckdb/node-api");
  return createRequire(api)("@duckdb/node-bindings") as DuckDbBindings;
}

let cached: Promise<DuckDbModule> | undefined;

export function loadDuckDb(): Promise<DuckDbModule> {
  cached ??= import("@duckdb/node-api").catch((cause: unknown) => {
    cached = undefined;
    throw new StoreError(
      "TW_ERR_STORE_DRIVER",
      "@duckdb/node-api is not installed; install it (`npm i @duckdb/node-api`) to use the DuckDB store",
      { cause },
    );
  });
  return cached;
}

/** One opened database: the instance and its single connection. */
export interface DuckDbHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/** Opens (creating if needed) a database file, or `:memory:`. */
export async function openDuckDb(
  path: string,
  options: Record<string, string> = {},
): Promise<DuckDbHandle> {
  const duckdb = await loadDuckDb();
  try {
    const instance = await duckdb.DuckDBInstance.create(path, options);
    const connection = await instance.connect();
    return { instance, connection };
  } catch (cause) {
    throw new StoreError("TW_ERR_STORE_OPEN", "cannot open the DuckDB database", { path, cause });
  }
}

/** Quotes an SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
