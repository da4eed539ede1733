/**
 * The SQL of re-pricing on DuckDB. A chunk's readings are copied into a temp table in stage-2
 * order (window start, agent); its token rows into another, numbered to follow. The kernel's
 * output comes back as numbers only (row numbers instead of labels); its label combinations
 * (a few per GPU) get their line label ids here, and the lines are appended as facts with
 * those ids (reprice.ts), so no string crosses into JavaScript and none is written per line.
 */
import { LANES } from "../../../kernel/src/usage-line.js";
import { sqlIdent, sqlString } from "./driver.js";
import { timestampLiteral } from "./ingest-sql.js";
import { LINES, READINGS, ROLLUP_KEY, ROLLUP_LABELS, ROLLUP_MEASURES, TOKENS } from "./schema.js";

/** Numeric output columns, in line_facts order (after the times and the label id). */
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

// The facts are appended in OUT_COLUMNS order: it must be line_facts' order of numbers.
const FACT_NUMBERS = LINES.factColumns.filter((c) => c.type === "DOUBLE").map((c) => c.name);
if (FACT_NUMBERS.join() !== OUT_COLUMNS.map(([, c]) => c).join()) {
  throw new Error("OUT_COLUMNS and line_facts disagree on the order of numbers");
}

export const REPRICE_SETUP = [
  `CREATE TABLE IF NOT EXISTS reprice_ranges (
  version VARCHAR NOT NULL,
  from_s DOUBLE NOT NULL,
  to_s DOUBLE NOT NULL,
  readings BIGINT NOT NULL,
  lines BIGINT NOT NULL,
  done TIMESTAMP NOT NULL
)`,
  `CREATE TEMP TABLE IF NOT EXISTS rp_rollup_in (hour TIMESTAMP, combo INTEGER, lines BIGINT,
  ${ROLLUP_MEASURES.map(([c]) => `${c} DOUBLE`).join(", ")})`,
  "CREATE TEMP TABLE IF NOT EXISTS rp_combo_in (combo INTEGER, rdim_id INTEGER, tdim_id INTEGER, kind INTEGER)",
];

const laneCode = `CASE lane ${LANES.map((l, i) => `WHEN ${sqlString(l)} THEN ${i}`).join(" ")} ELSE -1 END`;

function rangeWhere(column: string, fromS: number, toS: number): string {
  return `${column} >= ${timestampLiteral(fromS)} AND ${column} < ${timestampLiteral(toS)}`;
}

/**
 * The chunk's readings in stage-2 order: by window start, then agent. Agents are numbered
 * from the reading labels (a few thousand names) so the big sort runs on integers; the
 * facts are joined to their labels by id, and no label text is read. The temp table keeps
 * insertion order, so `rowid` is the reading's index in the chunk.
 */
export function selectReadings(fromS: number, toS: number): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE rp_rdims AS
SELECT d.rdim_id, a.agent_code, CAST(${laneCode} AS INTEGER) AS lane_code
FROM ${READINGS.dims} d JOIN (
  SELECT agent_id, CAST(row_number() OVER (ORDER BY agent_id) AS INTEGER) AS agent_code
  FROM (SELECT DISTINCT agent_id FROM ${READINGS.dims})
) a ON a.agent_id = d.agent_id`,
    `CREATE OR REPLACE TEMP TABLE rp_readings AS
SELECT r.agent_code, r.lane_code, f.* FROM ${READINGS.facts} f JOIN rp_rdims r ON r.rdim_id = f.rdim_id
WHERE ${rangeWhere("f.window_start", fromS, toS)}
ORDER BY f.window_start, r.agent_code`,
    `CREATE OR REPLACE TEMP TABLE rp_tokens AS
SELECT CAST(r.rowid AS INTEGER) AS rid, t.tdim_id, t.prompt_tokens, t.cached_tokens,
  t.generation_tokens, t.requests
FROM ${TOKENS.facts} t
JOIN rp_readings r ON r.rdim_id = t.rdim_id AND r.window_start = t.window_start
JOIN ${TOKENS.dims} d ON d.tdim_id = t.tdim_id
WHERE ${rangeWhere("t.window_start", fromS, toS)}
ORDER BY rid, d.workload, d.tenant`,
  ];
}

/** In rowid order (insertion order is kept: no ORDER BY needed). */
export const READ_READINGS = `SELECT agent_code, lane_code, rdim_id, epoch(window_start) AS start_s,
  window_s, energy_j, covered_s, idle_w, host_energy_j, facility_energy_j
FROM rp_readings`;

/** In token-row order; a token row's index (its rowid) is what the kernel's lines carry. */
export const READ_TOKENS = `SELECT rid, tdim_id, prompt_tokens, cached_tokens, generation_tokens, requests FROM rp_tokens`;

/** The served model of each agent × workload, from the labels of the lines of the range. */
export function selectModels(fromS: number, toS: number): string {
  return `CREATE OR REPLACE TEMP TABLE rp_models AS
SELECT d."x_AgentId" AS agent_id, d."x_Workload" AS workload, max(d."x_Model") AS model
FROM (SELECT DISTINCT dim_id FROM ${LINES.facts} WHERE ${rangeWhere('"ChargePeriodStart"', fromS, toS)}) f
JOIN ${LINES.dims} d ON d.dim_id = f.dim_id
WHERE d."x_Model" <> ''
GROUP BY ALL`;
}

/**
 * One row per distinct label combination of the chunk's lines (rp_combo_in: reading labels ×
 * token labels × kind, as many as GPUs × tenants, not lines), with its usage-line labels and its
 * line label id: the stored one, or a new one after the largest stored (`is_new`). Run in
 * the writing transaction. `$1` currency, `$2` version.
 */
export function selectCombos(): string {
  const value: Record<string, string> = {
    x_AgentId: "d.agent_id",
    ResourceId: "d.gpu_uuid",
    x_GpuModel: "d.gpu_model",
    x_Workload: "c.workload",
    x_Model: "coalesce(m.model, '')",
    SubAccountId: "c.tenant",
    x_LineKind: "CASE WHEN c.kind = 1 THEN 'idle' ELSE 'usage' END",
    RegionId: "d.metro",
    AvailabilityZone: "d.hall",
    x_Rack: "d.rack",
    x_Lane: "d.lane",
    x_SovereigntyZone: "d.sovereignty_zone",
    BillingCurrency: "CAST($1 AS VARCHAR)",
    x_PriceVersion: "CAST($2 AS VARCHAR)",
  };
  const labels = LINES.labels.map((l) => `${value[l]} AS ${sqlIdent(l)}`);
  const eq = LINES.labels.map((l) => `l.${sqlIdent(l)} = k.${sqlIdent(l)}`).join(" AND ");
  return `CREATE OR REPLACE TEMP TABLE rp_combos AS
WITH c AS (
  SELECT x.combo, x.kind, d.agent_id, x.rdim_id,
    CASE WHEN x.kind = 1 THEN d.owner_workload ELSE td.workload END AS workload,
    CASE WHEN x.kind = 1 THEN d.owner_tenant ELSE td.tenant END AS tenant
  FROM rp_combo_in x
  JOIN ${READINGS.dims} d ON d.rdim_id = x.rdim_id
  LEFT JOIN ${TOKENS.dims} td ON td.tdim_id = x.tdim_id
), k AS (
  SELECT c.combo, ${labels.join(", ")}
  FROM c JOIN ${READINGS.dims} d ON d.rdim_id = c.rdim_id
  LEFT JOIN rp_models m ON m.agent_id = c.agent_id AND m.workload = c.workload
)
SELECT k.*, l.dim_id IS NULL AS is_new,
  coalesce(l.dim_id, CAST((SELECT coalesce(max(dim_id), -1) FROM ${LINES.dims})
    + row_number() OVER (PARTITION BY l.dim_id IS NULL) AS INTEGER)) AS dim_id
FROM k LEFT JOIN ${LINES.dims} l ON ${eq}`;
}

/** The chunk's new line label tuples (selectCombos' `is_new`). */
export const INSERT_NEW_LABELS = `INSERT INTO ${LINES.dims}
SELECT dim_id, ${LINES.labels.map(sqlIdent).join(", ")} FROM rp_combos WHERE is_new`;

/** Kernel output column of each rollup measure, in ROLLUP_MEASURES order. */
export const ROLLUP_OUT = ROLLUP_MEASURES.map(([, line]) => {
  const out = OUT_COLUMNS.find(([, col]) => col === line);
  if (out === undefined) throw new Error(`rollup measure ${line} is not a kernel output`);
  return out[0];
});

/** The chunk's rollup cells (summed in JS by hour × label combination) with their labels. */
export const ROLLUP_REPRICED = `INSERT INTO rollup_cells
SELECT o.hour, ${ROLLUP_KEY.filter((k) => k !== "hour")
  .map((k) => `c.${sqlIdent(ROLLUP_LABELS[k])}`)
  .join(", ")}, o.lines, ${ROLLUP_MEASURES.map(([c]) => `o.${c}`).join(", ")}
FROM rp_rollup_in o JOIN rp_combos c ON c.combo = o.combo`;
