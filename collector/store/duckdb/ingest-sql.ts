/**
 * The SQL of one ingest. Staged rows are deduplicated within the batch (first occurrence
 * wins) and against stored rows by the natural key. Rows a
 * batch actually inserted carry its ingest id, so the rollup adds exactly those rows:
 * each line is inserted once, so an additive rollup stays equal to a full recompute however
 * late a line arrives (bench/collector/ingest-dedupe.ts measured both choices).
 */
import { sqlIdent } from "./driver.js";
import {
  CONTRIBUTION_COLUMNS,
  CONTRIBUTION_KEY,
  type ColumnSpec,
  LINE_COLUMNS,
  LINE_KEY,
  READING_COLUMNS,
  READING_KEY,
  ROLLUP_KEY,
  ROLLUP_MEASURES,
} from "./schema.js";

/** Epoch seconds (DOUBLE) → TIMESTAMP, whole microseconds, independent of the session time zone. */
function selectColumn(c: ColumnSpec): string {
  const id = sqlIdent(c.name);
  return c.type === "TIMESTAMP" ? `make_timestamp(CAST(round(${id} * 1e6) AS BIGINT))` : id;
}

/**
 * Insert-if-absent without an index: dedupe the stage by key (first occurrence wins), then
 * anti-join against stored rows whose time column lies in the batch's range (`$lo`..`$hi`,
 * TIMESTAMP literals). The range lets DuckDB's zone maps skip all row groups outside the
 * batch's time span, so the cost follows the batch, not the table, and no in-memory ART
 * index over billions of keys is needed. bench/collector/ingest-dedupe.ts compares this
 * with a primary key + ON CONFLICT DO NOTHING (slower per batch, and the ART index must fit
 * in memory).
 */
function dedupedInsert(
  target: string,
  stage: string,
  columns: readonly ColumnSpec[],
  key: readonly string[],
  timeColumn: string,
  extra: string[],
): (lo: string, hi: string) => string {
  const partition = key.map(sqlIdent).join(", ");
  const names = columns.map((c) => sqlIdent(c.name));
  const t = sqlIdent(timeColumn);
  return (lo, hi) => `INSERT INTO ${target}
SELECT ${[...names.map((n) => `s.${n}`), ...extra].join(", ")}
FROM (
  SELECT ${columns.map((c) => `${selectColumn(c)} AS ${sqlIdent(c.name)}`).join(", ")}
  FROM ${stage}
  QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY ord) = 1
) s
WHERE NOT EXISTS (
  SELECT 1 FROM ${target} u
  WHERE u.${t} BETWEEN ${lo} AND ${hi} AND ${key.map((k) => `u.${sqlIdent(k)} = s.${sqlIdent(k)}`).join(" AND ")}
)`;
}

/** `$1` = ingest id, `$2` = ingest time (epoch µs). */
export const insertLines = dedupedInsert(
  "usage_lines",
  "stage_lines",
  LINE_COLUMNS,
  LINE_KEY,
  "ChargePeriodStart",
  ["CAST($1 AS BIGINT)", "make_timestamp(CAST($2 AS BIGINT))"],
);

/** `$1` = ingest id. */
export const insertReadings = dedupedInsert(
  "gpu_readings",
  "stage_readings",
  READING_COLUMNS,
  READING_KEY,
  "window_start",
  ["CAST($1 AS BIGINT)"],
);

export const insertTokens = dedupedInsert(
  "gpu_reading_tokens",
  "stage_tokens",
  CONTRIBUTION_COLUMNS,
  CONTRIBUTION_KEY,
  "window_start",
  [],
);

/** Epoch seconds → a TIMESTAMP literal (µs precision, time-zone independent). */
export function timestampLiteral(epochS: number): string {
  return `make_timestamp(${Math.round(epochS * 1e6)})`;
}

/** Rollup dimension column ← usage-line expression, in ROLLUP_KEY order. */
const ROLLUP_SOURCE: Record<(typeof ROLLUP_KEY)[number], string> = {
  hour: `date_trunc('hour', "ChargePeriodStart")`,
  metro: `"RegionId"`,
  hall: `"AvailabilityZone"`,
  rack: `"x_Rack"`,
  lane: `"x_Lane"`,
  workload: `"x_Workload"`,
  model: `"x_Model"`,
  gpu_model: `"x_GpuModel"`,
  tenant: `"SubAccountId"`,
  currency: `"BillingCurrency"`,
  price_version: `"x_PriceVersion"`,
};

/** Adds the lines of ingest `$1` to the hourly rollup. */
export const UPSERT_ROLLUP = `INSERT INTO rollup_hourly
SELECT ${ROLLUP_KEY.map((k) => ROLLUP_SOURCE[k]).join(", ")}, count(*),
  ${ROLLUP_MEASURES.map(([, line]) => `sum(${sqlIdent(line)})`).join(", ")}
FROM usage_lines
WHERE x_IngestId = CAST($1 AS BIGINT)
GROUP BY ALL
ON CONFLICT DO UPDATE SET lines = lines + EXCLUDED.lines,
  ${ROLLUP_MEASURES.map(([c]) => `${c} = ${c} + EXCLUDED.${c}`).join(",\n  ")}`;

/** The rollup recomputed from scratch, for checks: must equal rollup_hourly. */
export const ROLLUP_RECOMPUTE = `SELECT ${ROLLUP_KEY.map((k) => `${ROLLUP_SOURCE[k]} AS ${k}`).join(", ")},
  count(*) AS lines,
  ${ROLLUP_MEASURES.map(([c, line]) => `sum(${sqlIdent(line)}) AS ${c}`).join(", ")}
FROM usage_lines GROUP BY ALL`;

export const CLEAR_STAGES = [
  "DELETE FROM stage_lines",
  "DELETE FROM stage_readings",
  "DELETE FROM stage_tokens",
];
