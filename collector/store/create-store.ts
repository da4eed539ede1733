/**
 * Builds the configured store. The collector config's `store:` section selects it:
 *
 *   store: { kind: duckdb, path: /var/lib/tokenwatt/collector.duckdb }
 *   store: { kind: clickhouse, url: http://ch:8123, database: tokenwatt,
 *            username: tokenwatt, password_file: /etc/tokenwatt/clickhouse.pass }
 *
 * The password is read from a file (first line, trailing newline dropped) so it stays out of
 * the config and the process list. Stores are not started here: the caller starts them with
 * the collector's other components.
 */
import { readFile } from "node:fs/promises";
import { ClickHouseStore } from "./clickhouse/store.js";
import { DuckDbStore } from "./duckdb/store.js";
import { StoreError } from "./errors.js";
import type { Store } from "./types.js";

export interface DuckDbStoreConfig {
  kind: "duckdb";
  path: string;
}

export interface ClickHouseStoreConfig {
  kind: "clickhouse";
  /** HTTP(S) endpoint, e.g. `http://127.0.0.1:8123`. */
  url: string;
  /** Default `tokenwatt`. */
  database?: string;
  username?: string;
  password_file?: string;
  /** Recorded on stored lines and receipts; default `host:pid`. */
  collector_name?: string;
}

export type StoreConfig = DuckDbStoreConfig | ClickHouseStoreConfig;

async function readPassword(path: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).split(/\r?\n/, 1)[0];
  } catch (cause) {
    throw new StoreError("TW_ERR_STORE_OPEN", "cannot read the ClickHouse password_file", {
      path,
      cause,
    });
  }
}

export async function createStore(config: StoreConfig): Promise<Store> {
  if (config.kind === "duckdb") return new DuckDbStore({ path: config.path });
  return new ClickHouseStore({
    url: config.url,
    ...(config.database === undefined ? {} : { database: config.database }),
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password_file === undefined
      ? {}
      : { password: await readPassword(config.password_file) }),
    ...(config.collector_name === undefined ? {} : { collector: config.collector_name }),
  });
}
