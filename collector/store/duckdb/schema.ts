/**
 * The DuckDB schema. Usage-line columns keep the usage line's field names (the stable
 * contract of spec/usage-line.md) so the FOCUS export maps them one to one. Times are
 * `TIMESTAMP` holding UTC. Lines, readings and token rows are keyed by their natural keys
 * (LINE_KEY, READING_KEY, CONTRIBUTION_KEY), enforced by the ingest's anti-join rather than
 * an index (see ingest-sql.ts); the small rollup table has a primary key for its upsert.
 */
import { NATURAL_KEY } from "../../../kernel/src/usage-line.js";
import { MEASURES } from "../sql/measures.js";
import { sqlIdent } from "./driver.js";

export type ColumnType = "VARCHAR" | "DOUBLE" | "TIMESTAMP" | "INTEGER" | "BIGINT";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** SQL default, for a column an INSERT may leave out. */
  default?: string;
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

/**
 * A token row's counts (CONTRIBUTION_COLUMNS) and the usage-line column that repeats each one
 * (the line of the same reading, workload and tenant: schema.ts TOKEN_RDIM).
 */
export const TOKEN_COUNTS: readonly (readonly [string, string])[] = [
  "prompt_tokens",
  "cached_tokens",
  "generation_tokens",
  "requests",
].map((name) => {
  const measure = MEASURES.find(([m]) => m === name);
  if (measure === undefined) throw new Error(`token count ${name} has no usage-line column`);
  return [name, measure[1]] as const;
});

export const READING_KEY = ["agent_id", "window_start", "gpu_uuid"] as const;
export const CONTRIBUTION_KEY = [...READING_KEY, "workload", "tenant"] as const;
export const LINE_KEY: readonly string[] = NATURAL_KEY;

/** Rollup grain: hour × every rollup dimension × currency × price version (schema.ts views). */
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

/** Rollup dimension ← usage-line column, for every ROLLUP_KEY but `hour`. */
export const ROLLUP_LABELS: Record<Exclude<(typeof ROLLUP_KEY)[number], "hour">, string> = {
  metro: "RegionId",
  hall: "AvailabilityZone",
  rack: "x_Rack",
  lane: "x_Lane",
  workload: "x_Workload",
  model: "x_Model",
  gpu_model: "x_GpuModel",
  tenant: "SubAccountId",
  currency: "BillingCurrency",
  price_version: "x_PriceVersion",
};

/** Rollup measure column ← usage-line column. */
export const ROLLUP_MEASURES = MEASURES;

function columnsDdl(columns: readonly ColumnSpec[]): string {
  return columns
    .map((c) => {
      const byDefault = c.default === undefined ? "" : ` DEFAULT ${c.default}`;
      return `${sqlIdent(c.name)} ${c.type}${byDefault} NOT NULL`;
    })
    .join(",\n  ");
}

/**
 * A logical table stored as a fact table of numbers plus a dimension table of its label
 * tuples: each distinct tuple of the logical table's VARCHAR columns is stored once under a
 * small integer id, and the fact rows carry the id. Labels repeat on every window (agent,
 * GPU, workload, tenant, site, price version…), so the facts are narrow rows of numbers that
 * DuckDB appends, logs and compresses several times faster than rows of fourteen strings
 * (docs/collector-store.md). A view under the logical name joins them back, so readers see
 * the logical columns.
 */
export interface SplitTable {
  /** The view's name (the logical table). */
  view: string;
  dims: string;
  facts: string;
  /** Id column, in both tables. */
  id: string;
  /** The dimension tuple: the logical VARCHAR columns, in logical order. */
  labels: readonly string[];
  /** Fact columns in append order. */
  factColumns: readonly ColumnSpec[];
}

/** Logical column indices of a split table's labels, times and numbers. */
export interface SplitLayout {
  labels: number[];
  times: number[];
  numbers: number[];
}

function split(
  view: string,
  dims: string,
  facts: string,
  id: string,
  logical: readonly ColumnSpec[],
  extra: readonly ColumnSpec[],
): SplitTable & { viewColumns: string[]; layout: SplitLayout } {
  const where = (test: (c: ColumnSpec) => boolean) =>
    logical.flatMap((c, i) => (test(c) ? [i] : []));
  const layout: SplitLayout = {
    labels: where((c) => c.type === "VARCHAR"),
    times: where((c) => c.type === "TIMESTAMP"),
    numbers: where((c) => c.type !== "VARCHAR" && c.type !== "TIMESTAMP"),
  };
  const pick = (at: number[]) => at.map((i) => logical[i]);
  return {
    view,
    dims,
    facts,
    id,
    labels: pick(layout.labels).map((c) => c.name),
    factColumns: [
      ...pick(layout.times),
      { name: id, type: "INTEGER" },
      ...pick(layout.numbers),
      ...extra,
    ],
    viewColumns: [...logical, ...extra].map(
      (c) => `${c.type === "VARCHAR" ? "d" : "f"}.${sqlIdent(c.name)}`,
    ),
    layout,
  };
}

/**
 * A usage line's fact may also hold its reading's token row: the `usage` line of an agent,
 * GPU, window, workload and tenant carries the same four counts as the token row of that
 * reading, workload and tenant, so a commit stores them once (token-carriers.ts). The column
 * holds that reading's label id, or -1 when the line carries no token row (the row, if any,
 * is in token_facts). Fact-only: the usage_lines view does not show it.
 */
export const TOKEN_RDIM = "token_rdim_id";

const LINE_SPLIT = split("usage_lines", "line_dims", "line_facts", "dim_id", LINE_COLUMNS, [
  { name: "x_IngestId", type: "BIGINT" },
  { name: "x_IngestTime", type: "TIMESTAMP" },
]);
export const LINES: typeof LINE_SPLIT = {
  ...LINE_SPLIT,
  factColumns: [...LINE_SPLIT.factColumns, { name: TOKEN_RDIM, type: "INTEGER", default: "-1" }],
};
export const READINGS = split(
  "gpu_readings",
  "reading_dims",
  "reading_facts",
  "rdim_id",
  READING_COLUMNS,
  [{ name: "ingest_id", type: "BIGINT" }],
);
/**
 * Token rows no usage line carries (see TOKEN_RDIM): their reading's label id (agent, GPU…)
 * and a (workload, tenant) id. The gpu_reading_tokens view shows both kinds.
 */
export const TOKENS: SplitTable = {
  view: "gpu_reading_tokens",
  dims: "token_dims",
  facts: "token_facts",
  id: "tdim_id",
  labels: ["workload", "tenant"],
  factColumns: [
    { name: "window_start", type: "TIMESTAMP" },
    { name: "rdim_id", type: "INTEGER" },
    { name: "tdim_id", type: "INTEGER" },
    { name: "prompt_tokens", type: "DOUBLE" },
    { name: "cached_tokens", type: "DOUBLE" },
    { name: "generation_tokens", type: "DOUBLE" },
    { name: "requests", type: "DOUBLE" },
  ],
};

export function splitDdl(t: SplitTable): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.dims} (
  ${t.id} INTEGER PRIMARY KEY,
  ${t.labels.map((l) => `${sqlIdent(l)} VARCHAR NOT NULL`).join(",\n  ")}
)`,
    `CREATE TABLE IF NOT EXISTS ${t.facts} (
  ${columnsDdl(t.factColumns)}
)`,
  ];
}

/** Sums rollup_cells by cell: what rollup_hourly shows (and compaction writes back). */
export const ROLLUP_SUM = `SELECT ${ROLLUP_KEY.join(", ")}, sum(lines) AS lines,
  ${ROLLUP_MEASURES.map(([c]) => `sum(${c}) AS ${c}`).join(", ")}
FROM rollup_cells`;

/**
 * The logical tables, as views over their split tables; and the hourly rollup, one row per
 * cell, over rollup_cells where each commit appends its delta (an append instead of an
 * upsert keeps the commit short; rollup-cells.ts compacts the deltas).
 */
export function viewSql(): string[] {
  const join = (t: SplitTable) => `FROM ${t.facts} f JOIN ${t.dims} d ON d.${t.id} = f.${t.id}`;
  return [
    `CREATE OR REPLACE VIEW ${LINES.view} AS SELECT ${LINES.viewColumns.join(", ")} ${join(LINES)}`,
    `CREATE OR REPLACE VIEW ${READINGS.view} AS SELECT ${READINGS.viewColumns.join(", ")} ${join(READINGS)}`,
    `CREATE OR REPLACE VIEW ${TOKENS.view} AS SELECT r.agent_id, f.window_start, r.gpu_uuid,
  d.workload, d.tenant, f.prompt_tokens, f.cached_tokens, f.generation_tokens, f.requests
${join(TOKENS)} JOIN ${READINGS.dims} r ON r.rdim_id = f.rdim_id
UNION ALL
SELECT r.agent_id, f."ChargePeriodStart", r.gpu_uuid, d."x_Workload", d."SubAccountId",
  ${TOKEN_COUNTS.map(([, line]) => `f.${sqlIdent(line)}`).join(", ")}
${join(LINES)} JOIN ${READINGS.dims} r ON r.rdim_id = f.${TOKEN_RDIM}
WHERE f.${TOKEN_RDIM} >= 0`,
    `CREATE OR REPLACE VIEW rollup_hourly AS ${ROLLUP_SUM} GROUP BY ${ROLLUP_KEY.join(", ")}`,
  ];
}

/**
 * Version 2: usage lines, readings and token rows split into facts and labels. Version 3:
 * usage lines carry the token rows that repeat their counts (TOKEN_RDIM).
 */
export const SCHEMA_VERSION = 3;

export function schemaSql(): string[] {
  const rollupKey = ROLLUP_KEY.filter((k) => k !== "hour");
  return [
    `CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL)`,
    ...splitDdl(LINES),
    ...splitDdl(READINGS),
    ...splitDdl(TOKENS),
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
    `CREATE TABLE IF NOT EXISTS rollup_cells (
  hour TIMESTAMP NOT NULL,
  ${rollupKey.map((k) => `${k} VARCHAR NOT NULL`).join(",\n  ")},
  lines BIGINT NOT NULL,
  ${ROLLUP_MEASURES.map(([c]) => `${c} DOUBLE NOT NULL`).join(",\n  ")}
)`,
    `CREATE SEQUENCE IF NOT EXISTS ingest_ids START 1`,
    ...viewSql(),
  ];
}

/**
 * Staging tables (temporary, per connection): the natural keys of a commit's rows, for the
 * dedupe against stored rows. `ord` is the row's index in the commit.
 */
export function stagingSql(): string[] {
  return [
    `CREATE TEMP TABLE IF NOT EXISTS stage_line_keys (ord BIGINT, ${LINE_KEY.map(
      (k) => `${sqlIdent(k)} ${k === "ChargePeriodStart" ? "TIMESTAMP" : "VARCHAR"}`,
    ).join(", ")})`,
    `CREATE TEMP TABLE IF NOT EXISTS stage_reading_keys (ord BIGINT, agent_id VARCHAR, window_start TIMESTAMP, gpu_uuid VARCHAR)`,
  ];
}
