/**
 * Grouped sums for the query API as plain, portable SQL: SELECT dims, SUM(...) FROM (lines)
 * WHERE ... GROUP BY dims. Everything a database does differently sits in `SqlDialect`: how
 * identifiers and strings are quoted and which subquery yields the current lines (one price
 * version per natural key). DuckDB and ClickHouse stores both build their query from here.
 */
import type { AggregateQuery, QueryDimension, QueryFilter } from "../types.js";

export interface SqlDialect {
  ident(name: string): string;
  string(value: string): string;
  /** A subquery of usage-line columns admitted by the LineFilter part of `filter`. */
  currentLines(filter: QueryFilter): string;
}

/** Usage-line column of each query dimension. */
export const DIMENSION_COLUMN: Record<QueryDimension, string> = {
  metro: "RegionId",
  hall: "AvailabilityZone",
  rack: "x_Rack",
  lane: "x_Lane",
  workload: "x_Workload",
  model: "x_Model",
  gpuModel: "x_GpuModel",
  tenant: "SubAccountId",
  sovereigntyZone: "x_SovereigntyZone",
  currency: "BillingCurrency",
};

/** Result column ← summed usage-line column. */
export const AGGREGATE_MEASURES = [
  ["gpuEnergyJ", "x_GpuEnergyJ"],
  ["idleEnergyJ", "x_IdleEnergyJ"],
  ["hostEnergyJ", "x_HostEnergyJ"],
  ["facilityEnergyJ", "x_FacilityEnergyJ"],
  ["gpuSeconds", "x_GpuSeconds"],
  ["promptTokens", "x_PromptTokens"],
  ["cachedTokens", "x_CachedTokens"],
  ["generationTokens", "x_GenerationTokens"],
  ["requests", "x_Requests"],
  ["energyCost", "x_EnergyCost"],
  ["gpuTimeCost", "x_GpuTimeCost"],
  ["listCost", "ListCost"],
  ["effectiveCost", "EffectiveCost"],
  ["carbonG", "x_CarbonG"],
] as const;

/** Result columns: `d_<dimension>` per group key, `lines`, each measure, `usageFacilityEnergyJ`. */
export function aggregateSql(query: AggregateQuery, d: SqlDialect): string {
  const dims = query.by.map((k) => `${d.ident(DIMENSION_COLUMN[k])} AS ${d.ident(`d_${k}`)}`);
  const sums = AGGREGATE_MEASURES.map(([k, c]) => `SUM(${d.ident(c)}) AS ${d.ident(k)}`);
  const usage = `SUM(CASE WHEN ${d.ident("x_LineKind")} = ${d.string("usage")} THEN ${d.ident("x_FacilityEnergyJ")} ELSE 0 END) AS ${d.ident("usageFacilityEnergyJ")}`;
  const where: string[] = [];
  if (query.filter.lane !== undefined)
    where.push(`${d.ident("x_Lane")} = ${d.string(query.filter.lane)}`);
  if (query.filter.model !== undefined)
    where.push(`${d.ident("x_Model")} = ${d.string(query.filter.model)}`);
  const group = query.by.map((k) => d.ident(DIMENSION_COLUMN[k]));
  return [
    `SELECT ${[...dims, "COUNT(*) AS lines", ...sums, usage].join(", ")}`,
    `FROM (${d.currentLines(query.filter)}) l`,
    where.length > 0 ? `WHERE ${where.join(" AND ")}` : "",
    group.length > 0 ? `GROUP BY ${group.join(", ")} ORDER BY ${group.join(", ")}` : "",
  ]
    .filter((s) => s !== "")
    .join("\n");
}
