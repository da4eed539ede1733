/**
 * Upgrades a store file written by an older tokenwatt, in one transaction (a failure leaves
 * the file as it was). Version 1 kept usage lines, readings and token rows as wide tables of
 * labels; version 2 splits each into facts and label tuples (schema.ts SplitTable), with
 * views under the old names; version 3 lets a usage line carry its token row (schema.ts
 * TOKEN_RDIM): the lines of an older file carry none, their token rows stay in token_facts.
 * Ids are assigned densely from 0, as ingest assigns them.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { StoreError } from "../errors.js";
import { sqlIdent } from "./driver.js";
import {
  LINES,
  READINGS,
  SCHEMA_VERSION,
  type SplitTable,
  splitDdl,
  TOKEN_RDIM,
  TOKENS,
} from "./schema.js";

/** The file's schema version; null for a new file. */
async function versionOf(c: DuckDBConnection): Promise<number | null> {
  const exists = await c.runAndReadAll(
    "SELECT 1 FROM duckdb_tables() WHERE table_name = 'schema_info' AND NOT temporary",
  );
  if (exists.getRowsJS().length === 0) return null;
  const v = (await c.runAndReadAll("SELECT max(version) FROM schema_info")).getRowsJS()[0][0];
  return v === null ? null : Number(v);
}

function splitInto(t: SplitTable, old: string): string[] {
  const labels = t.labels.map(sqlIdent);
  // Columns with a default (TOKEN_RDIM) are newer than the old table: they take it.
  const into = t.factColumns.filter((c) => c.default === undefined).map((c) => c.name);
  const facts = into.map((c) => (c === t.id ? `d.${t.id}` : `o.${sqlIdent(c)}`));
  return [
    `INSERT INTO ${t.dims} SELECT CAST(row_number() OVER () - 1 AS INTEGER), *
FROM (SELECT DISTINCT ${labels.join(", ")} FROM ${old})`,
    `INSERT INTO ${t.facts} (${into.map(sqlIdent).join(", ")}) SELECT ${facts.join(", ")} FROM ${old} o
JOIN ${t.dims} d ON ${labels.map((l) => `d.${l} = o.${l}`).join(" AND ")}`,
  ];
}

/** Version 1 → the current layout (splitDdl creates the tables as they are now). */
function fromV1(): string[] {
  const old = (t: SplitTable) => `${t.view}_v1`;
  return [
    ...[LINES, READINGS, TOKENS].map((t) => `ALTER TABLE ${t.view} RENAME TO ${old(t)}`),
    ...[LINES, READINGS, TOKENS].flatMap(splitDdl),
    ...splitInto(LINES, old(LINES)),
    ...splitInto(READINGS, old(READINGS)),
    `INSERT INTO ${TOKENS.dims} SELECT CAST(row_number() OVER () - 1 AS INTEGER), *
FROM (SELECT DISTINCT workload, tenant FROM ${old(TOKENS)})`,
    `INSERT INTO ${TOKENS.facts} SELECT o.window_start, r.rdim_id, d.tdim_id, o.prompt_tokens,
  o.cached_tokens, o.generation_tokens, o.requests
FROM ${old(TOKENS)} o
JOIN ${TOKENS.dims} d ON d.workload = o.workload AND d.tenant = o.tenant
JOIN (SELECT f.window_start, f.rdim_id, rd.agent_id, rd.gpu_uuid FROM ${READINGS.facts} f
  JOIN ${READINGS.dims} rd ON rd.rdim_id = f.rdim_id) r
  ON r.agent_id = o.agent_id AND r.window_start = o.window_start AND r.gpu_uuid = o.gpu_uuid`,
    ...[LINES, READINGS, TOKENS].map((t) => `DROP TABLE ${old(t)}`),
    // Version 2 appends rollup deltas (no key to upsert on) and sums them in a view.
    "CREATE TABLE rollup_cells AS SELECT * FROM rollup_hourly",
    "DROP TABLE rollup_hourly",
    `UPDATE schema_info SET version = ${SCHEMA_VERSION}`,
  ];
}

/** Version 2 → 3: the lines stored so far carry no token row. */
function fromV2(): string[] {
  const carried = LINES.factColumns.find((c) => c.name === TOKEN_RDIM);
  return [
    `ALTER TABLE ${LINES.facts} ADD COLUMN ${TOKEN_RDIM} ${carried?.type} DEFAULT ${carried?.default}`,
    `ALTER TABLE ${LINES.facts} ALTER COLUMN ${TOKEN_RDIM} SET NOT NULL`,
    `UPDATE schema_info SET version = ${SCHEMA_VERSION}`,
  ];
}

/** Brings the file to SCHEMA_VERSION; refuses a file from a newer tokenwatt. */
export async function migrate(c: DuckDBConnection, path: string): Promise<void> {
  const version = await versionOf(c);
  if (version === null || version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      "TW_ERR_STORE_OPEN",
      `the store is schema version ${version}, newer than this tokenwatt (${SCHEMA_VERSION}); upgrade tokenwatt`,
      { path },
    );
  }
  await c.run("BEGIN TRANSACTION");
  try {
    for (const sql of version === 1 ? fromV1() : fromV2()) await c.run(sql);
    await c.run("COMMIT");
  } catch (cause) {
    await c.run("ROLLBACK").catch(() => undefined);
    throw new StoreError("TW_ERR_STORE_OPEN", `cannot upgrade the store from version ${version}`, {
      path,
      cause,
    });
  }
  await c.run("CHECKPOINT");
}
