/**
 * Reads over the ClickHouse schema, deduplicated: every read of a ReplacingMergeTree table
 * uses FINAL, so copies of a key in parts not yet merged count once. Rollups are computed at
 * query time from the deduplicated lines rather than kept in a SummingMergeTree or
 * AggregatingMergeTree view: a materialized view adds every inserted block, including the
 * copies two collectors insert during a failover race, and merges of the view never learn
 * that the source collapsed them — it would double count exactly the lines this store
 * promises to count once. docs/clickhouse.md weighs the alternatives.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { StoreError } from "../errors.js";
import {
  type LineFilter,
  type LineTotals,
  type PriceVersion,
  ROLLUP_DIMENSIONS,
  type RollupDimension,
  type RollupQuery,
  type RollupRow,
} from "../types.js";
import { insertRows, selectRows } from "./client.js";
import { LINE_GROUP_KEY, MEASURES } from "./schema.js";
import { filterPredicates, whereSql } from "./sql.js";

/**
 * The lines a filter admits, one per natural key, as `alias ← column` pairs. With a
 * `priceVersion` only that version is read; without one each key contributes its newest
 * registered version (price_versions.created), unregistered versions ranking below
 * registered ones and among themselves by name — the DuckDB store's rule. 18.16 has no
 * window functions, so the pick is `argMax(column, rank)` per key. `keep_rank` ends the rank,
 * so the same argMax also collapses unmerged copies of a line (earliest stored wins, as
 * ReplacingMergeTree would): this path needs no FINAL, and GROUP BY runs on all cores where
 * 18.16's FINAL merges each partition's parts in one stream.
 */
export function currentLinesSql(
  db: string,
  filter: LineFilter,
  columns: readonly (readonly [alias: string, column: string])[],
): string {
  const where = whereSql(filterPredicates(filter));
  if (filter.priceVersion !== undefined) {
    return `SELECT ${columns.map(([a, c]) => `${c} AS ${a}`).join(", ")}
FROM ${db}.usage_lines FINAL ${where}`;
  }
  // Source columns are renamed (c_*, g_*) so the outer aliases may reuse line column names.
  return `SELECT ${columns.map(([a]) => `argMax(c_${a}, pv_rank) AS ${a}`).join(", ")}
FROM (
  SELECT ${[
    ...columns.map(([a, c]) => `${c} AS c_${a}`),
    ...LINE_GROUP_KEY.map((k) => `${k} AS g_${k}`),
  ].join(", ")},
    (pv_registered, pv_created_ms, x_PriceVersion, keep_rank) AS pv_rank
  FROM (SELECT * FROM ${db}.usage_lines ${where})
  ANY LEFT JOIN (
    SELECT version AS x_PriceVersion, toUInt8(1) AS pv_registered, created_ms AS pv_created_ms
    FROM ${db}.price_versions FINAL
  ) USING x_PriceVersion
)
GROUP BY ${LINE_GROUP_KEY.map((k) => `g_${k}`).join(", ")}`;
}

const TOTAL_FIELD: Record<(typeof MEASURES)[number][0], keyof LineTotals> = {
  gpu_energy_j: "gpuEnergyJ",
  idle_energy_j: "idleEnergyJ",
  host_energy_j: "hostEnergyJ",
  facility_energy_j: "facilityEnergyJ",
  gpu_seconds: "gpuSeconds",
  prompt_tokens: "promptTokens",
  cached_tokens: "cachedTokens",
  generation_tokens: "generationTokens",
  requests: "requests",
  energy_cost: "energyCost",
  gpu_time_cost: "gpuTimeCost",
  list_cost: "listCost",
  effective_cost: "effectiveCost",
  carbon_g: "carbonG",
};

function totalsFrom(row: Record<string, unknown>): LineTotals {
  const t = { lines: Number(row.lines ?? 0) } as LineTotals;
  for (const [m] of MEASURES) t[TOTAL_FIELD[m]] = Number(row[m] ?? 0);
  return t;
}

export async function lineTotals(
  client: ClickHouseClient,
  db: string,
  filter: LineFilter,
): Promise<LineTotals> {
  const inner = currentLinesSql(
    db,
    filter,
    MEASURES.map(([m, c]) => [`${m}_v`, c] as const),
  );
  const sums = MEASURES.map(([m]) => `sum(${m}_v) AS ${m}`).join(", ");
  const [row] = await selectRows(client, `SELECT count() AS lines, ${sums} FROM (${inner})`);
  return totalsFrom(row ?? {});
}

/** Rollup dimension → line column. */
const DIMENSION_COLUMN: Record<RollupDimension, string> = {
  metro: "RegionId",
  hall: "AvailabilityZone",
  rack: "x_Rack",
  lane: "x_Lane",
  workload: "x_Workload",
  model: "x_Model",
  gpuModel: "x_GpuModel",
  tenant: "SubAccountId",
};

const HOUR_S = 3600;

/** Rollups filter by hour (DuckDB store semantics): `hour >= from` ⇔ start ≥ ceil-hour(from). */
function ceilHour(t: string | undefined): string | undefined {
  if (t === undefined) return undefined;
  const s = Date.parse(t) / 1000;
  if (!Number.isFinite(s)) return t; // filterPredicates names the bad value
  return new Date(Math.ceil(s / HOUR_S) * HOUR_S * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function rollup(
  client: ClickHouseClient,
  db: string,
  query: RollupQuery,
): Promise<RollupRow[]> {
  for (const d of query.by) {
    if (!ROLLUP_DIMENSIONS.includes(d)) {
      throw new StoreError("TW_ERR_STORE_QUERY", `unknown rollup dimension ${JSON.stringify(d)}`);
    }
  }
  const dims = [...new Set(query.by)];
  const filter: LineFilter = { ...query };
  if (query.from !== undefined) filter.from = ceilHour(query.from);
  if (query.to !== undefined) filter.to = ceilHour(query.to);
  // Validate the caller's strings first so errors name them, not the ceiled ones.
  filterPredicates(query);
  const dimSql = dims.map((d) => `${DIMENSION_COLUMN[d]} AS dim_${d}`);
  const group = ["hour_utc", "currency", "price_version", ...dims.map((d) => `dim_${d}`)];
  const rows = await selectRows(
    client,
    `SELECT formatDateTime(toStartOfHour(ChargePeriodStart, 'UTC'), '%Y-%m-%dT%H:%M:%SZ', 'UTC') AS hour_utc,
  BillingCurrency AS currency, x_PriceVersion AS price_version, ${dimSql.map((d) => `${d}, `).join("")}
  count() AS lines, ${MEASURES.map(([m, c]) => `sum(${c}) AS ${m}`).join(", ")}
FROM ${db}.usage_lines FINAL ${whereSql(filterPredicates(filter))}
GROUP BY ${group.join(", ")}
ORDER BY ${group.join(", ")}`,
  );
  return rows.map((r) => {
    const keys: Partial<Record<RollupDimension, string>> = {};
    for (const d of dims) keys[d] = String(r[`dim_${d}`]);
    return {
      ...totalsFrom(r),
      hour: String(r.hour_utc),
      currency: String(r.currency),
      priceVersion: String(r.price_version),
      keys,
    };
  });
}

export async function putPriceVersion(
  client: ClickHouseClient,
  db: string,
  v: PriceVersion,
  stamp: number,
): Promise<void> {
  await insertRows(client, `${db}.price_versions`, [
    {
      version: v.version,
      created_ms: Math.max(0, Math.round(v.createdMs)),
      book: JSON.stringify(v.book ?? null),
      note: v.note,
      updated_us: stamp,
    },
  ]);
}

export async function priceVersions(client: ClickHouseClient, db: string): Promise<PriceVersion[]> {
  const rows = await selectRows<{
    version: string;
    created_ms: string;
    book: string;
    note: string;
  }>(
    client,
    `SELECT version, created_ms, book, note FROM ${db}.price_versions FINAL ORDER BY created_ms, version`,
  );
  return rows.map((r) => ({
    version: r.version,
    createdMs: Number(r.created_ms),
    book: JSON.parse(r.book) as unknown,
    note: r.note,
  }));
}
