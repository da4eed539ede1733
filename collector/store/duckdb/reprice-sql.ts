/**
 * The SQL of re-pricing on DuckDB. A chunk's readings and its token rows are streamed in one
 * order (window start, agent, reading), sorted on integer codes, with no label text. The kernel's
 * output comes back as numbers only (row numbers instead of labels); its label combinations
 * (a few per GPU) get their line label ids here, and the lines are appended as facts with
 * those ids (reprice.ts), so no string crosses into JavaScript and none is written per line.
 */
import { LANES } from "../../../kernel/src/usage-line.js";
import { sqlIdent, sqlString } from "./driver.js";
import { timestampLiteral } from "./ingest-sql.js";
import {
  LINES,
  READINGS,
  ROLLUP_KEY,
  ROLLUP_LABELS,
  ROLLUP_MEASURES,
  TOKEN_COUNTS,
  TOKEN_RDIM,
  TOKENS,
} from "./schema.js";

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
 * Small per-label code tables, so the big sorts of a chunk's read run on integers: agents
 * numbered in name order with each reading label's lane, and token labels ranked by
 * (workload, tenant). Rebuilt per chunk (ingest may add labels meanwhile).
 */
export const SELECT_CODES = [
  `CREATE OR REPLACE TEMP TABLE rp_rdims AS
SELECT d.rdim_id, a.agent_code, CAST(${laneCode} AS INTEGER) AS lane_code
FROM ${READINGS.dims} d JOIN (
  SELECT agent_id, CAST(row_number() OVER (ORDER BY agent_id) AS INTEGER) AS agent_code
  FROM (SELECT DISTINCT agent_id FROM ${READINGS.dims})
) a ON a.agent_id = d.agent_id`,
  `CREATE OR REPLACE TEMP TABLE rp_tdims AS
SELECT tdim_id, CAST(row_number() OVER (ORDER BY workload, tenant) AS INTEGER) AS ord
FROM ${TOKENS.dims}`,
  // The token label id of each usage line label: for the token rows lines carry.
  `CREATE OR REPLACE TEMP TABLE rp_line_tdims AS
SELECT l.dim_id, t.tdim_id FROM ${LINES.dims} l
JOIN ${TOKENS.dims} t ON t.workload = l."x_Workload" AND t.tenant = l."SubAccountId"
WHERE l."x_LineKind" = 'usage'`,
];

export function countIn(table: string, fromS: number, toS: number): string {
  return `SELECT count(*) FROM ${table} WHERE ${rangeWhere("window_start", fromS, toS)}`;
}

/**
 * The chunk's readings in stage-2 order: by window start, agent, then reading label (a
 * reading's key is its label id and window start). No label text is read.
 */
export function readingsQuery(fromS: number, toS: number): string {
  return `SELECT r.agent_code, r.lane_code, f.rdim_id, epoch(f.window_start) AS start_s,
  f.window_s, f.energy_j, f.covered_s, f.idle_w, f.host_energy_j, f.facility_energy_j
FROM ${READINGS.facts} f JOIN rp_rdims r ON r.rdim_id = f.rdim_id
WHERE ${rangeWhere("f.window_start", fromS, toS)}
ORDER BY f.window_start, r.agent_code, f.rdim_id`;
}

/**
 * The chunk's token rows — token facts and the rows usage lines carry (schema.ts
 * TOKEN_RDIM) — in the same order as its readings (then by workload, tenant), with their
 * reading's key, so they are matched to readings by one merge pass in JS.
 */
export function tokensQuery(fromS: number, toS: number): string {
  return `SELECT epoch(t.window_start) AS start_s, r.agent_code, t.rdim_id, t.tdim_id,
  t.prompt_tokens, t.cached_tokens, t.generation_tokens, t.requests
FROM (
  SELECT window_start, rdim_id, tdim_id, prompt_tokens, cached_tokens, generation_tokens, requests
  FROM ${TOKENS.facts} WHERE ${rangeWhere("window_start", fromS, toS)}
  UNION ALL
  SELECT f."ChargePeriodStart", f.${TOKEN_RDIM}, m.tdim_id,
    ${TOKEN_COUNTS.map(([, line]) => `f.${sqlIdent(line)}`).join(", ")}
  FROM ${LINES.facts} f JOIN rp_line_tdims m ON m.dim_id = f.dim_id
  WHERE f.${TOKEN_RDIM} >= 0 AND ${rangeWhere('f."ChargePeriodStart"', fromS, toS)}
) t JOIN rp_rdims r ON r.rdim_id = t.rdim_id
JOIN rp_tdims d ON d.tdim_id = t.tdim_id
ORDER BY t.window_start, r.agent_code, t.rdim_id, d.ord`;
}

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
 * the writing transaction.
 */
export function selectCombos(currency: string, version: string): string {
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
    BillingCurrency: `CAST(${sqlString(currency)} AS VARCHAR)`,
    x_PriceVersion: `CAST(${sqlString(version)} AS VARCHAR)`,
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
FROM k LEFT JOIN (
  -- Every combination carries the target version: only its tuples can match.
  SELECT * FROM ${LINES.dims} WHERE "x_PriceVersion" = ${sqlString(version)}
) l ON ${eq}`;
}

/** Columns of the Parquet file a chunk's lines are inserted from, beside OUT_COLUMNS. */
export const FILE_START = "start_us";
export const FILE_END = "end_us";
export const FILE_COMBO = "combo";

/**
 * line_facts rows from the lines file (reprice.ts): times as epoch µs, the label combination
 * (its line label id from rp_combos), the numbers (OUT_COLUMNS), the ingest id (the
 * session's last `ingest_ids` value) and the ingest time.
 */
export function insertLinesFromFile(path: string, nowMs: number): string {
  const into = [
    "ChargePeriodStart",
    "ChargePeriodEnd",
    LINES.id,
    ...OUT_COLUMNS.map(([, c]) => c),
    "x_IngestId",
    "x_IngestTime",
  ];
  const us = (c: string) => `make_timestamp(CAST(f.${sqlIdent(c)} AS BIGINT))`;
  return `INSERT INTO ${LINES.facts} (${into.map(sqlIdent).join(", ")})
SELECT ${us(FILE_START)}, ${us(FILE_END)}, c.dim_id,
  ${OUT_COLUMNS.map(([k]) => `f.${sqlIdent(k)}`).join(", ")},
  currval('ingest_ids'), ${timestampLiteral(nowMs / 1000)}
FROM read_parquet(${sqlString(path)}) f JOIN rp_combos c ON c.combo = f.${sqlIdent(FILE_COMBO)}`;
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
