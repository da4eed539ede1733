/**
 * ClickHouse reads that stage a FOCUS export (ClickHouse 18.16: no query parameters, so every
 * value is an escaped literal from store/clickhouse/sql.ts).
 *
 * The lines read are exactly those the DuckDB store's `currentLinesSql` would select
 * (store/duckdb/selection.ts), so the staged DuckDB file yields the same FOCUS rows:
 * - the filter applies first (metro, tenant, time, price version);
 * - copies of a natural key collapse with FINAL (ReplacingMergeTree on `keep_rank`: the
 *   earliest stored copy wins, as in the DuckDB store);
 * - without a price-version filter, one version per GPU-window (agent, window start, GPU) —
 *   the newest registered one (price_versions.created, then name), unregistered versions
 *   below registered ones and among themselves by name. 18.16 has no window functions, so
 *   the pick is `argMax(version, rank)` per GPU-window and the lines are matched to it by a
 *   tuple IN. Per GPU-window, not per line key: a re-pricing that changes attribution makes
 *   different line keys, and a GPU-window must not be counted twice nor half re-priced.
 */
import { LINE_COLUMNS } from "../../store/clickhouse/schema.js";
import { chTime, filterPredicates, whereSql } from "../../store/clickhouse/sql.js";
import type { LineFilter } from "../../store/types.js";

/** A `[fromS, toS)` span of window starts, epoch seconds. */
export interface StartSpan {
  fromS: number;
  toS: number;
}

function spanPredicate(span: StartSpan): string {
  return `ChargePeriodStart >= ${chTime(span.fromS)} AND ChargePeriodStart < ${chTime(span.toS)}`;
}

/**
 * Stored rows per hour of window start (copies and all versions counted: an upper bound of
 * the lines to stage), to plan the chunks. Columns: `h` (epoch s), `n`.
 */
export function hourCountsSql(db: string, filter: LineFilter): string {
  return `SELECT toUInt32(toStartOfHour(ChargePeriodStart)) AS h, count() AS n
FROM ${db}.usage_lines ${whereSql(filterPredicates(filter))}
GROUP BY h ORDER BY h`;
}

/**
 * Line columns, times as epoch seconds named `<column>_s` (an alias named as the column
 * would shadow it in WHERE: ClickHouse resolves select-list aliases there).
 */
const SELECT_COLUMNS = LINE_COLUMNS.map((c) =>
  c.type === "DateTime" ? `toUInt32(${c.name}) AS ${c.name}_s` : c.name,
).join(", ");

/** The selected lines of one span of window starts, deduplicated, in a stable order. */
export function stageLinesSql(db: string, filter: LineFilter, span: StartSpan): string {
  const where = [...filterPredicates(filter), spanPredicate(span)];
  const order = "ORDER BY ChargePeriodStart, x_AgentId, ResourceId";
  if (filter.priceVersion !== undefined) {
    return `SELECT ${SELECT_COLUMNS} FROM ${db}.usage_lines FINAL ${whereSql(where)} ${order}`;
  }
  const pick = `SELECT x_AgentId, ChargePeriodStart, ResourceId,
    argMax(x_PriceVersion, (pv_registered, pv_created_ms, x_PriceVersion)) AS picked
  FROM (
    SELECT DISTINCT x_AgentId, ChargePeriodStart, ResourceId, x_PriceVersion
    FROM ${db}.usage_lines ${whereSql(where)}
  ) ANY LEFT JOIN (
    SELECT version AS x_PriceVersion, toUInt8(1) AS pv_registered, created_ms AS pv_created_ms
    FROM ${db}.price_versions FINAL
  ) USING x_PriceVersion
  GROUP BY x_AgentId, ChargePeriodStart, ResourceId`;
  return `SELECT ${SELECT_COLUMNS} FROM ${db}.usage_lines FINAL
${whereSql([...where, `(x_AgentId, ChargePeriodStart, ResourceId, x_PriceVersion) IN (SELECT x_AgentId, ChargePeriodStart, ResourceId, picked FROM (${pick}))`])}
${order}`;
}

const HOUR_S = 3600;

/**
 * Consecutive hours grouped into spans of at most `maxRows` stored rows (an hour holding
 * more is a span of its own; the stream splits it further).
 */
export function planSpans(
  hours: readonly { h: number; n: number }[],
  maxRows: number,
): StartSpan[] {
  const spans: StartSpan[] = [];
  let current: (StartSpan & { rows: number }) | undefined;
  for (const { h, n } of hours) {
    if (current !== undefined && current.rows + n <= maxRows) {
      current.toS = h + HOUR_S;
      current.rows += n;
      continue;
    }
    if (current !== undefined) spans.push({ fromS: current.fromS, toS: current.toS });
    current = { fromS: h, toS: h + HOUR_S, rows: n };
  }
  if (current !== undefined) spans.push({ fromS: current.fromS, toS: current.toS });
  return spans;
}
