/**
 * The SQL of re-pricing on DuckDB. A chunk's readings are copied into a temp table in stage-2
 * order (window start, agent, GPU); its token rows into another, numbered to follow. The
 * kernel's output comes back as numbers only (row numbers instead of labels), and one INSERT
 * joins the labels back on, so no string crosses into JavaScript either way.
 */
import { LANES } from "../../../kernel/src/usage-line.js";
import { sqlIdent, sqlString } from "./driver.js";
import { timestampLiteral } from "./ingest-sql.js";
import { LINE_COLUMNS } from "./schema.js";

/** Numeric output columns, in rp_out order after (reading, source, kind). */
export const OUT_COLUMNS = [
  ["gpuEnergyJ", "x_GpuEnergyJ"],
  ["idleEnergyJ", "x_IdleEnergyJ"],
  ["hostEnergyJ", "x_HostEnergyJ"],
  ["facilityEnergyJ", "x_FacilityEnergyJ"],
  ["gpuSeconds", "x_GpuSeconds"],
  ["prompt", "x_PromptTokens"],
  ["cached", "x_CachedTokens"],
  ["gen", "x_GenerationTokens"],
  ["requests", "x_Requests"],
  ["coverage", "x_Coverage"],
  ["energyCost", "x_EnergyCost"],
  ["gpuTimeCost", "x_GpuTimeCost"],
  ["listCost", "ListCost"],
  ["effectiveCost", "EffectiveCost"],
  ["carbonG", "x_CarbonG"],
] as const;

export const REPRICE_SETUP = [
  `CREATE TABLE IF NOT EXISTS reprice_ranges (
  version VARCHAR NOT NULL,
  from_s DOUBLE NOT NULL,
  to_s DOUBLE NOT NULL,
  readings BIGINT NOT NULL,
  lines BIGINT NOT NULL,
  done TIMESTAMP NOT NULL
)`,
  `CREATE TEMP TABLE IF NOT EXISTS rp_out (reading INTEGER NOT NULL, source INTEGER NOT NULL,
  kind UTINYINT NOT NULL, ${OUT_COLUMNS.map(([, c]) => `${sqlIdent(c)} DOUBLE NOT NULL`).join(", ")})`,
];

const laneCode = `CASE lane ${LANES.map((l, i) => `WHEN ${sqlString(l)} THEN ${i}`).join(" ")} ELSE -1 END`;

function rangeWhere(column: string, fromS: number, toS: number): string {
  return `${column} >= ${timestampLiteral(fromS)} AND ${column} < ${timestampLiteral(toS)}`;
}

/**
 * The chunk's readings in stage-2 order: by window start, then agent. Agents are numbered
 * first (a few thousand names) so the big sort runs on integers, not strings. The temp table
 * keeps insertion order, so `rowid` is the reading's index in the chunk.
 */
export function selectReadings(fromS: number, toS: number): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE rp_agents AS
SELECT agent_id, CAST(row_number() OVER (ORDER BY agent_id) AS INTEGER) AS agent_code
FROM (SELECT DISTINCT agent_id FROM gpu_readings WHERE ${rangeWhere("window_start", fromS, toS)})`,
    `CREATE OR REPLACE TEMP TABLE rp_readings AS
SELECT a.agent_code, g.* FROM gpu_readings g JOIN rp_agents a ON a.agent_id = g.agent_id
WHERE ${rangeWhere("g.window_start", fromS, toS)}
ORDER BY g.window_start, a.agent_code`,
    `CREATE OR REPLACE TEMP TABLE rp_tokens AS
SELECT CAST(r.rowid AS INTEGER) AS rid, t.workload, t.tenant, t.prompt_tokens, t.cached_tokens,
  t.generation_tokens, t.requests
FROM gpu_reading_tokens t
JOIN rp_readings r ON r.agent_id = t.agent_id AND r.window_start = t.window_start AND r.gpu_uuid = t.gpu_uuid
WHERE ${rangeWhere("t.window_start", fromS, toS)}
ORDER BY rid, t.workload, t.tenant`,
  ];
}

/** In rowid order (insertion order is kept: no ORDER BY needed). */
export const READ_READINGS = `SELECT agent_code, CAST(${laneCode} AS INTEGER) AS lane,
  epoch(window_start) AS start_s, window_s, energy_j, covered_s, idle_w, host_energy_j, facility_energy_j
FROM rp_readings`;

/** In token-row order; a token row's index (its rowid) is what the kernel's lines carry. */
export const READ_TOKENS = `SELECT rid, prompt_tokens, cached_tokens, generation_tokens, requests FROM rp_tokens`;

/** The served model of each agent × workload, from the lines stored for the range. */
export function selectModels(fromS: number, toS: number): string {
  return `CREATE OR REPLACE TEMP TABLE rp_models AS
SELECT "x_AgentId" AS agent_id, "x_Workload" AS workload, max("x_Model") AS model
FROM usage_lines WHERE ${rangeWhere('"ChargePeriodStart"', fromS, toS)} AND "x_Model" <> ''
GROUP BY "x_AgentId", "x_Workload"`;
}

/** Labels rp_out from the chunk's tables into usage_lines. `$1` ingest id, `$2` now (µs), `$3` currency, `$4` version. */
export function insertRepriced(): string {
  const value: Record<string, string> = {
    ChargePeriodStart: "b.window_start",
    ChargePeriodEnd: "b.window_start + to_microseconds(CAST(round(b.window_s * 1e6) AS BIGINT))",
    x_AgentId: "b.agent_id",
    ResourceId: "b.gpu_uuid",
    x_GpuModel: "b.gpu_model",
    x_Workload: "b.workload",
    x_Model: "coalesce(m.model, '')",
    SubAccountId: "b.tenant",
    x_LineKind: "CASE WHEN b.kind = 1 THEN 'idle' ELSE 'usage' END",
    RegionId: "b.metro",
    AvailabilityZone: "b.hall",
    x_Rack: "b.rack",
    x_Lane: "b.lane",
    x_SovereigntyZone: "b.sovereignty_zone",
    BillingCurrency: "CAST($3 AS VARCHAR)",
    x_PriceVersion: "CAST($4 AS VARCHAR)",
  };
  for (const [, c] of OUT_COLUMNS) value[c] = `b.${sqlIdent(c)}`;
  const select = LINE_COLUMNS.map((c) => value[c.name]);
  return `INSERT INTO usage_lines
WITH b AS (
  SELECT o.* EXCLUDE (token_row), r.window_start, r.window_s, r.agent_id, r.gpu_uuid, r.gpu_model, r.metro, r.hall, r.rack,
    r.lane, r.sovereignty_zone,
    CASE WHEN o.kind = 1 THEN r.owner_workload ELSE t.workload END AS workload,
    CASE WHEN o.kind = 1 THEN r.owner_tenant ELSE t.tenant END AS tenant
  FROM (SELECT *, CASE WHEN kind = 0 THEN source ELSE -1 END AS token_row FROM rp_out) o
  JOIN rp_readings r ON r.rowid = o.reading
  LEFT JOIN rp_tokens t ON t.rowid = o.token_row
)
SELECT ${select.join(", ")}, CAST($1 AS BIGINT), make_timestamp(CAST($2 AS BIGINT))
FROM b LEFT JOIN rp_models m ON m.agent_id = b.agent_id AND m.workload = b.workload`;
}
