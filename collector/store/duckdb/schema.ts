/**
 * The DuckDB schema. Usage-line columns keep the usage line's field names (the stable
 * contract of spec/usage-line.md) so the FOCUS export maps them one to one. Times are
 * `TIMESTAMP` holding UTC. Lines, readings and token rows are keyed by their natural keys
 * (LINE_KEY, READING_KEY, CONTRIBUTION_KEY), enforced by the ingest's anti-join rather than
 * an index (see ingest-sql.ts); the small rollup table has a primary key for its upsert.
 */
import { NATURAL_KEY } from "../../../kernel/src/usage-line.js";
import { sqlIdent } from "./driver.js";

export type ColumnType = "VARCHAR" | "DOUBLE" | "TIMESTAMP";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

/** Usage-line columns in staging/append order. TIMESTAMP columns arrive as epoch seconds. */
export const LINE_COLUMNS: readonly ColumnSpec[] = [
  { name: "ChargePeriodStart", type: "TIMESTAMP" },
  { name: "ChargePeriodEnd", type: "TIMESTAMP" },
  { name: "x_AgentId", type: "VARCHAR" },
  { name: "ResourceId", type: "VARCHAR" },
  { name: "x_GpuModel", type: "VARCHAR" },
  { name: "x_Workload", type: "VARCHAR" },
  { name: "x_Model", type: "VARCHAR" },
  { name: "SubAccountId", type: "VARCHAR" },
  { name: "x_LineKind", type: "VARCHAR" },
  { name: "RegionId", type: "VARCHAR" },
  { name: "AvailabilityZone", type: "VARCHAR" },
  { name: "x_Rack", type: "VARCHAR" },
  { name: "x_Lane", type: "VARCHAR" },
  { name: "x_SovereigntyZone", type: "VARCHAR" },
  { name: "x_GpuEnergyJ", type: "DOUBLE" },
  { name: "x_IdleEnergyJ", type: "DOUBLE" },
  { name: "x_HostEnergyJ", type: "DOUBLE" },
  { name: "x_FacilityEnergyJ", type: "DOUBLE" },
  { name: "x_GpuSeconds", type: "DOUBLE" },
  { name: "x_PromptTokens", type: "DOUBLE" },
  { name: "x_CachedTokens", type: "DOUBLE" },
  { name: "x_GenerationTokens", type: "DOUBLE" },
  { name: "x_Requests", type: "DOUBLE" },
  { name: "x_Coverage", type: "DOUBLE" },
  { name: "BillingCurrency", type: "VARCHAR" },
  { name: "x_EnergyCost", type: "DOUBLE" },
  { name: "x_GpuTimeCost", type: "DOUBLE" },
  { name: "ListCost", type: "DOUBLE" },
  { name: "EffectiveCost", type: "DOUBLE" },
  { name: "x_CarbonG", type: "DOUBLE" },
  { name: "x_PriceVersion", type: "VARCHAR" },
];

/** Reading columns in staging/append order (contributions live in their own table). */
export const READING_COLUMNS: readonly ColumnSpec[] = [
  { name: "agent_id", type: "VARCHAR" },
  { name: "window_start", type: "TIMESTAMP" },
  { name: "window_s", type: "DOUBLE" },
  { name: "gpu_uuid", type: "VARCHAR" },
  { name: "gpu_model", type: "VARCHAR" },
  { name: "energy_j", type: "DOUBLE" },
  { name: "covered_s", type: "DOUBLE" },
  { name: "idle_w", type: "DOUBLE" },
  { name: "mean_power_w", type: "DOUBLE" },
  { name: "mean_utilization", type: "DOUBLE" },
  { name: "host_energy_j", type: "DOUBLE" },
  { name: "facility_energy_j", type: "DOUBLE" },
  { name: "owner_workload", type: "VARCHAR" },
  { name: "owner_tenant", type: "VARCHAR" },
  { name: "rejected_samples", type: "DOUBLE" },
  { name: "metro", type: "VARCHAR" },
  { name: "hall", type: "VARCHAR" },
  { name: "rack", type: "VARCHAR" },
  { name: "lane", type: "VARCHAR" },
  { name: "sovereignty_zone", type: "VARCHAR" },
];

export const CONTRIBUTION_COLUMNS: readonly ColumnSpec[] = [
  { name: "agent_id", type: "VARCHAR" },
  { name: "window_start", type: "TIMESTAMP" },
  { name: "gpu_uuid", type: "VARCHAR" },
  { name: "workload", type: "VARCHAR" },
  { name: "tenant", type: "VARCHAR" },
  { name: "prompt_tokens", type: "DOUBLE" },
  { name: "cached_tokens", type: "DOUBLE" },
  { name: "generation_tokens", type: "DOUBLE" },
  { name: "requests", type: "DOUBLE" },
];

export const READING_KEY = ["agent_id", "window_start", "gpu_uuid"] as const;
export const CONTRIBUTION_KEY = [...READING_KEY, "workload", "tenant"] as const;
export const LINE_KEY: readonly string[] = NATURAL_KEY;

/** Rollup grain: hour × every rollup dimension × currency × price version. */
export const ROLLUP_KEY = [
  "hour",
  "metro",
  "hall",
  "rack",
  "lane",
  "workload",
  "model",
  "gpu_model",
  "tenant",
  "currency",
  "price_version",
] as const;

/** Rollup measure column ← usage-line column. */
export const ROLLUP_MEASURES = [
  ["gpu_energy_j", "x_GpuEnergyJ"],
  ["idle_energy_j", "x_IdleEnergyJ"],
  ["host_energy_j", "x_HostEnergyJ"],
  ["facility_energy_j", "x_FacilityEnergyJ"],
  ["gpu_seconds", "x_GpuSeconds"],
  ["prompt_tokens", "x_PromptTokens"],
  ["cached_tokens", "x_CachedTokens"],
  ["generation_tokens", "x_GenerationTokens"],
  ["requests", "x_Requests"],
  ["energy_cost", "x_EnergyCost"],
  ["gpu_time_cost", "x_GpuTimeCost"],
  ["list_cost", "ListCost"],
  ["effective_cost", "EffectiveCost"],
  ["carbon_g", "x_CarbonG"],
] as const;

function columnsDdl(columns: readonly ColumnSpec[]): string {
  return columns.map((c) => `${sqlIdent(c.name)} ${c.type} NOT NULL`).join(",\n  ");
}

export const SCHEMA_VERSION = 1;

export function schemaSql(): string[] {
  const rollupKey = ROLLUP_KEY.filter((k) => k !== "hour");
  return [
    `CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS usage_lines (
  ${columnsDdl(LINE_COLUMNS)},
  x_IngestId BIGINT NOT NULL,
  x_IngestTime TIMESTAMP NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS gpu_readings (
  ${columnsDdl(READING_COLUMNS)},
  ingest_id BIGINT NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS gpu_reading_tokens (
  ${columnsDdl(CONTRIBUTION_COLUMNS)}
)`,
    `CREATE TABLE IF NOT EXISTS price_versions (
  version VARCHAR PRIMARY KEY,
  created TIMESTAMP NOT NULL,
  book JSON NOT NULL,
  note VARCHAR NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS agents (
  agent_id VARCHAR PRIMARY KEY,
  boot_id VARCHAR NOT NULL,
  last_seq BIGINT NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  batches BIGINT NOT NULL,
  lines BIGINT NOT NULL,
  site JSON
)`,
    `CREATE TABLE IF NOT EXISTS agent_gaps (
  agent_id VARCHAR NOT NULL,
  boot_id VARCHAR NOT NULL,
  from_seq BIGINT NOT NULL,
  to_seq BIGINT NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS rollup_hourly (
  hour TIMESTAMP NOT NULL,
  ${rollupKey.map((k) => `${k} VARCHAR NOT NULL`).join(",\n  ")},
  lines BIGINT NOT NULL,
  ${ROLLUP_MEASURES.map(([c]) => `${c} DOUBLE NOT NULL`).join(",\n  ")},
  PRIMARY KEY (${ROLLUP_KEY.join(", ")})
)`,
    `CREATE SEQUENCE IF NOT EXISTS ingest_ids START 1`,
  ];
}

/**
 * Staging tables (temporary, per connection): the natural keys of a commit's rows, for the
 * dedupe against stored rows, and the commit's rollup delta. `ord` is the row's index in the
 * commit.
 */
export function stagingSql(): string[] {
  return [
    `CREATE TEMP TABLE IF NOT EXISTS stage_line_keys (ord BIGINT, ${LINE_KEY.map(
      (k) => `${sqlIdent(k)} ${k === "ChargePeriodStart" ? "TIMESTAMP" : "VARCHAR"}`,
    ).join(", ")})`,
    `CREATE TEMP TABLE IF NOT EXISTS stage_reading_keys (ord BIGINT, agent_id VARCHAR, window_start TIMESTAMP, gpu_uuid VARCHAR)`,
    "CREATE TEMP TABLE IF NOT EXISTS stage_rollup AS SELECT * FROM rollup_hourly WITH NO DATA",
  ];
}
