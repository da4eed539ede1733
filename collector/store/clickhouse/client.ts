/**
 * The `@clickhouse/client` (HTTP) connection. Checked against Debian's ClickHouse 18.16:
 * ping, commands, JSONEachRow inserts and JSON/JSONEachRow/JSONCompact selects work;
 * `query_params` does not (server-side parameters arrived in 19.x, the server answers
 * "Unknown setting param_…"), so SQL inlines escaped literals (sql.ts). 64-bit integers come
 * back as JSON strings (output_format_json_quote_64bit_integers), hence `Number(...)` on reads.
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { Row } from "./rows.js";

export interface ClickHouseConnection {
  /** HTTP(S) endpoint, e.g. `http://127.0.0.1:8123`. */
  url: string;
  username?: string;
  password?: string;
  /** Per request, ms (default 60 s). */
  requestTimeoutMs?: number;
}

export function openClient(c: ClickHouseConnection): ClickHouseClient {
  return createClient({
    url: c.url,
    ...(c.username === undefined ? {} : { username: c.username }),
    ...(c.password === undefined ? {} : { password: c.password }),
    request_timeout: c.requestTimeoutMs ?? 60_000,
    application: "tokenwatt-collector",
    // Failures surface as StoreErrors with context; the client's own logging would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Runs a SELECT, rows as objects (64-bit integers as strings). */
export async function selectRows<T extends Record<string, unknown>>(
  client: ClickHouseClient,
  query: string,
): Promise<T[]> {
  const rs = await client.query({ query, format: "JSONEachRow" });
  return rs.json<T>();
}

/** Runs a SELECT, rows as arrays in select-list order. */
export async function selectArrays(client: ClickHouseClient, query: string): Promise<unknown[][]> {
  const rs = await client.query({ query, format: "JSONCompact" });
  return (await rs.json<unknown[]>()).data;
}

/**
 * Inserts rows and resolves once the server answered the INSERT: by then the data part is
 * written (see docs/clickhouse.md for what "written" means on 18.16 versus a current server).
 */
export async function insertRows(
  client: ClickHouseClient,
  table: string,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({ table, values: rows as Row[], format: "JSONEachRow" });
}
