/**
 * The ClickHouse server of the integration tests: TOKENWATT_CLICKHOUSE_URL (set by .ci/run,
 * which starts Debian's clickhouse-server on loopback via .ci/clickhouse.sh). Locally the
 * tests skip with a message when it is unset; in CI (CI=true) an unset URL fails the suite,
 * so the ClickHouse tests can never be skipped silently there.
 */
import { randomBytes } from "node:crypto";
import { createClient } from "@clickhouse/client";

export const CLICKHOUSE_URL = process.env.TOKENWATT_CLICKHOUSE_URL ?? "";
export const HAVE_CLICKHOUSE = CLICKHOUSE_URL !== "";

/** Call at module level; returns whether to skip. Throws in CI when no server is configured. */
export function clickHouseMissing(suite: string): boolean {
  if (HAVE_CLICKHOUSE) return false;
  if (process.env.CI === "true") {
    throw new Error(
      `[${suite}] TOKENWATT_CLICKHOUSE_URL is unset in CI: .ci/run must start ClickHouse (.ci/clickhouse.sh)`,
    );
  }
  console.warn(
    `[${suite}] SKIPPED: TOKENWATT_CLICKHOUSE_URL is unset (start one with .ci/clickhouse.sh start DIR)`,
  );
  return true;
}

/** A database name no other test uses. */
export function testDatabase(label: string): string {
  return `tw_test_${label}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** Runs statements with a throwaway client (setup, raw inserts, cleanup). */
export async function chExec(...queries: string[]): Promise<void> {
  const client = createClient({ url: CLICKHOUSE_URL });
  try {
    for (const query of queries) await client.command({ query });
  } finally {
    await client.close();
  }
}

export async function chSelect<T extends Record<string, unknown>>(query: string): Promise<T[]> {
  const client = createClient({ url: CLICKHOUSE_URL });
  try {
    return await (await client.query({ query, format: "JSONEachRow" })).json<T>();
  } finally {
    await client.close();
  }
}

export function dropDatabase(db: string): Promise<void> {
  return chExec(`DROP DATABASE IF EXISTS ${db}`);
}
