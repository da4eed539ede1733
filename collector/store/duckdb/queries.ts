/** Read helpers over the DuckDB schema. */
import type { DuckDBConnection } from "@duckdb/node-api";
import type {
  LineFilter,
  LineTotals,
  PriceVersion,
  RollupDimension,
  RollupQuery,
  RollupRow,
} from "../types.js";
import { sqlIdent } from "./driver.js";
import { ROLLUP_MEASURES } from "./schema.js";
import { currentLinesSql, filterPredicates } from "./selection.js";

const TOTAL_FIELDS: readonly (readonly [keyof LineTotals, string])[] = [
  ["gpuEnergyJ", "gpu_energy_j"],
  ["idleEnergyJ", "idle_energy_j"],
  ["hostEnergyJ", "host_energy_j"],
  ["facilityEnergyJ", "facility_energy_j"],
  ["gpuSeconds", "gpu_seconds"],
  ["promptTokens", "prompt_tokens"],
  ["cachedTokens", "cached_tokens"],
  ["generationTokens", "generation_tokens"],
  ["requests", "requests"],
  ["energyCost", "energy_cost"],
  ["gpuTimeCost", "gpu_time_cost"],
  ["listCost", "list_cost"],
  ["effectiveCost", "effective_cost"],
  ["carbonG", "carbon_g"],
];

function totalsFrom(row: Record<string, unknown>): LineTotals {
  const t = { lines: Number(row.lines ?? 0) } as LineTotals;
  for (const [field, column] of TOTAL_FIELDS) t[field] = Number(row[column] ?? 0);
  return t;
}

export async function lineTotals(
  connection: DuckDBConnection,
  filter: LineFilter,
): Promise<LineTotals> {
  const sums = ROLLUP_MEASURES.map(
    ([c, line]) => `coalesce(sum(${sqlIdent(line)}), 0) AS ${c}`,
  ).join(", ");
  const rows = (
    await connection.runAndReadAll(
      `SELECT count(*) AS lines, ${sums} FROM (${currentLinesSql(filter)})`,
    )
  ).getRowObjectsJS();
  return totalsFrom(rows[0]);
}

const DIMENSION_COLUMN: Record<RollupDimension, string> = {
  metro: "metro",
  hall: "hall",
  rack: "rack",
  lane: "lane",
  workload: "workload",
  model: "model",
  gpuModel: "gpu_model",
  tenant: "tenant",
};

/** Rollup predicates: same filter semantics as lines, on rollup columns (`to` exclusive, by hour). */
function rollupPredicates(query: RollupQuery): string[] {
  return filterPredicates(query).map((p) =>
    p
      .replace('"ChargePeriodStart"', "hour")
      .replace('"RegionId"', "metro")
      .replace('"SubAccountId"', "tenant")
      .replace('"x_PriceVersion"', "price_version"),
  );
}

export async function rollup(
  connection: DuckDBConnection,
  query: RollupQuery,
): Promise<RollupRow[]> {
  const dims = query.by.map((d) => DIMENSION_COLUMN[d]);
  const where = rollupPredicates(query);
  const sums = ROLLUP_MEASURES.map(([c]) => `sum(${c}) AS ${c}`).join(", ");
  const rows = (
    await connection.runAndReadAll(
      `SELECT strftime(hour, '%Y-%m-%dT%H:%M:%SZ') AS hour_utc, currency, price_version,
  ${dims.map((d) => `${d}, `).join("")}sum(lines) AS lines, ${sums}
FROM rollup_hourly ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
GROUP BY ALL ORDER BY ALL`,
    )
  ).getRowObjectsJS();
  return rows.map((r) => {
    const keys: Partial<Record<RollupDimension, string>> = {};
    for (const d of query.by) keys[d] = String(r[DIMENSION_COLUMN[d]]);
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
  connection: DuckDBConnection,
  v: PriceVersion,
): Promise<void> {
  await connection.run(
    `INSERT INTO price_versions VALUES ($1, make_timestamp(CAST($2 AS BIGINT)), $3::JSON, $4)
ON CONFLICT DO UPDATE SET created = EXCLUDED.created, book = EXCLUDED.book, note = EXCLUDED.note`,
    [v.version, v.createdMs * 1000, JSON.stringify(v.book ?? null), v.note],
  );
}

export async function priceVersions(connection: DuckDBConnection): Promise<PriceVersion[]> {
  const rows = (
    await connection.runAndReadAll(
      "SELECT version, epoch_ms(created), CAST(book AS VARCHAR), note FROM price_versions ORDER BY created, version",
    )
  ).getRowsJS();
  return rows.map((r) => ({
    version: String(r[0]),
    createdMs: Number(r[1]),
    book: JSON.parse(String(r[2])) as unknown,
    note: String(r[3]),
  }));
}
