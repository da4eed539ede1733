/** The query API's grouped sums on ClickHouse: the portable SQL with ClickHouse's selection. */
import type { ClickHouseClient } from "@clickhouse/client";
import { AGGREGATE_MEASURES, aggregateSql, type SqlDialect } from "../sql/aggregate.js";
import type { AggregateQuery, AggregateRow, QueryDimension } from "../types.js";
import { selectRows } from "./client.js";
import { currentLinesSql } from "./queries.js";
import { LINE_COLUMNS } from "./schema.js";
import { chString } from "./sql.js";

const ALL_COLUMNS = LINE_COLUMNS.map((c) => [c.name, c.name] as const);

export function clickHouseDialect(db: string): SqlDialect {
  return {
    ident: (name) => `\`${name.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``,
    string: chString,
    currentLines: (filter) => currentLinesSql(db, filter, ALL_COLUMNS),
  };
}

export async function aggregate(
  client: ClickHouseClient,
  db: string,
  query: AggregateQuery,
): Promise<AggregateRow[]> {
  const rows = await selectRows(client, aggregateSql(query, clickHouseDialect(db)));
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
