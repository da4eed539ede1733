/** The query API's grouped sums on DuckDB: the portable SQL with DuckDB's line selection. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { AGGREGATE_MEASURES, aggregateSql, type SqlDialect } from "../sql/aggregate.js";
import type { AggregateQuery, AggregateRow, QueryDimension } from "../types.js";
import { sqlIdent, sqlString } from "./driver.js";
import { currentLinesSql } from "./selection.js";

export const DUCKDB_DIALECT: SqlDialect = {
  ident: sqlIdent,
  string: sqlString,
  currentLines: (filter) => currentLinesSql(filter),
};

export async function aggregate(
  c: DuckDBConnection,
  query: AggregateQuery,
): Promise<AggregateRow[]> {
  const rows = (await c.runAndReadAll(aggregateSql(query, DUCKDB_DIALECT))).getRowObjectsJS();
  return rows
    .filter((r) => Number(r.lines) > 0)
    .map((r) => {
      const keys: Partial<Record<QueryDimension, string>> = {};
      for (const k of query.by) keys[k] = String(r[`d_${k}`]);
      const totals = {
        lines: Number(r.lines),
        usageFacilityEnergyJ: Number(r.usageFacilityEnergyJ ?? 0),
      } as AggregateRow["totals"];
      for (const [k] of AGGREGATE_MEASURES) totals[k] = Number(r[k] ?? 0);
      return { keys, totals };
    });
}
