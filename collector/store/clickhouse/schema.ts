/**
 * The ClickHouse schema (18.16-compatible; docs/clickhouse.md has the clustered variant).
 *
 * Lines, readings and token rows are ReplacingMergeTree tables whose sorting key is the
 * natural key, partitioned by month of the window start (the key contains the window start,
 * so every copy of a key lands in the same partition, where merges can collapse it). Copies
 * of a key can coexist in unmerged parts, so every read deduplicates with FINAL.
 *
 * `keep_rank` is the ReplacingMergeTree version: larger wins, and it falls as ingest time
 * rises, so the earliest stored copy of a key survives — the DuckDB store's "first stored
 * wins" — even when two collectors race to insert the same key.
 */
import { NATURAL_KEY } from "../../../kernel/src/usage-line.js";

export type ChType = "String" | "Float64" | "DateTime";

export interface ChColumn {
  name: string;
  type: ChType;
}

/** Usage-line columns: the usage line's field names, as in the DuckDB store. */
export const LINE_COLUMNS: readonly ChColumn[] = [
  { name: "ChargePeriodStart", type: "DateTime" },
  { name: "ChargePeriodEnd", type: "DateTime" },
  ...[
    "x_AgentId",
    "ResourceId",
    "x_GpuModel",
    "x_Workload",
    "x_Model",
    "SubAccountId",
    "x_LineKind",
    "RegionId",
    "AvailabilityZone",
    "x_Rack",
    "x_Lane",
    "x_SovereigntyZone",
  ].map((name) => ({ name, type: "String" as const })),
  ...[
    "x_GpuEnergyJ",
    "x_IdleEnergyJ",
    "x_HostEnergyJ",
    "x_FacilityEnergyJ",
    "x_GpuSeconds",
    "x_PromptTokens",
    "x_CachedTokens",
    "x_GenerationTokens",
    "x_Requests",
    "x_Coverage",
  ].map((name) => ({ name, type: "Float64" as const })),
  { name: "BillingCurrency", type: "String" },
  ...["x_EnergyCost", "x_GpuTimeCost", "ListCost", "EffectiveCost", "x_CarbonG"].map((name) => ({
    name,
    type: "Float64" as const,
  })),
  { name: "x_PriceVersion", type: "String" },
];

const str = (name: string): ChColumn => ({ name, type: "String" });
const f64 = (name: string): ChColumn => ({ name, type: "Float64" });

export const READING_COLUMNS: readonly ChColumn[] = [
  str("agent_id"),
  { name: "window_start", type: "DateTime" },
  f64("window_s"),
  str("gpu_uuid"),
  str("gpu_model"),
  ...["energy_j", "covered_s", "idle_w", "mean_power_w", "mean_utilization"].map(f64),
  ...["host_energy_j", "facility_energy_j"].map(f64),
  str("owner_workload"),
  str("owner_tenant"),
  f64("rejected_samples"),
  ...["metro", "hall", "rack", "lane", "sovereignty_zone"].map(str),
];

export const CONTRIBUTION_COLUMNS: readonly ChColumn[] = [
  str("agent_id"),
  { name: "window_start", type: "DateTime" },
  str("gpu_uuid"),
  str("workload"),
  str("tenant"),
  ...["prompt_tokens", "cached_tokens", "generation_tokens", "requests"].map(f64),
];

export const LINE_KEY: readonly string[] = NATURAL_KEY;
export const READING_KEY = ["agent_id", "window_start", "gpu_uuid"] as const;
export const CONTRIBUTION_KEY = [...READING_KEY, "workload", "tenant"] as const;

/** Line key without the price version: the lines one re-pricing can supersede. */
export const LINE_GROUP_KEY: readonly string[] = NATURAL_KEY.filter((k) => k !== "x_PriceVersion");

export { MEASURES } from "../sql/measures.js";

function columnsDdl(columns: readonly ChColumn[]): string {
  return columns
    .map((c) => `${c.name} ${c.type === "DateTime" ? "DateTime('UTC')" : c.type}`)
    .join(",\n  ");
}

function replacing(
  db: string,
  table: string,
  columns: readonly ChColumn[],
  extra: string[],
  key: readonly string[],
  month: string,
): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${table} (
  ${columnsDdl(columns)},
  ${extra.join(",\n  ")}
) ENGINE = ReplacingMergeTree(keep_rank)
PARTITION BY toYYYYMM(${month})
ORDER BY (${key.join(", ")})`;
}

export const SCHEMA_VERSION = 1;

/** DDL, idempotent: several collectors may run it at once against one server. */
export function schemaSql(db: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    replacing(
      db,
      "usage_lines",
      LINE_COLUMNS,
      ["x_IngestTime DateTime('UTC')", "x_Collector String", "keep_rank UInt64"],
      LINE_KEY,
      "ChargePeriodStart",
    ),
    replacing(
      db,
      "gpu_readings",
      READING_COLUMNS,
      ["keep_rank UInt64"],
      READING_KEY,
      "window_start",
    ),
    replacing(
      db,
      "gpu_reading_tokens",
      CONTRIBUTION_COLUMNS,
      ["keep_rank UInt64"],
      CONTRIBUTION_KEY,
      "window_start",
    ),
    // Latest put wins: `updated_us` rises with each put.
    `CREATE TABLE IF NOT EXISTS ${db}.price_versions (
  version String,
  created_ms UInt64,
  book String,
  note String,
  updated_us UInt64
) ENGINE = ReplacingMergeTree(updated_us) ORDER BY version`,
    // One row per committed batch arrival (receipts are facts; agent state is derived).
    `CREATE TABLE IF NOT EXISTS ${db}.agent_batches (
  agent_id String,
  boot_id String,
  seq UInt64,
  received_us UInt64,
  received DateTime('UTC'),
  lines UInt64,
  site String,
  collector String
) ENGINE = MergeTree PARTITION BY toYYYYMM(received) ORDER BY (agent_id, boot_id, seq)`,
    // Ranges a re-pricing finished, per version (a redo after a lost record stores nothing twice).
    `CREATE TABLE IF NOT EXISTS ${db}.reprice_ranges (
  version String,
  from_s Float64,
  to_s Float64,
  readings UInt64,
  lines UInt64,
  done DateTime('UTC'),
  collector String
) ENGINE = MergeTree ORDER BY (version, from_s)`,
  ];
}
