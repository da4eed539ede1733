/**
 * Row objects → columnar arrays in schema order, validated on the way: a batch with a
 * malformed time or a non-finite number is refused whole (TW_ERR_STORE_BATCH naming the row
 * and field), because storing part of a batch would break the ack contract.
 */
import { StoreError } from "../errors.js";
import type { GpuReadingRow, StoredUsageLine } from "../types.js";
import type { ColumnValues } from "./append.js";
import { CONTRIBUTION_COLUMNS, type ColumnSpec, LINE_COLUMNS, READING_COLUMNS } from "./schema.js";

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export interface Columnar {
  values: ColumnValues[];
  rowCount: number;
}

function empty(columns: readonly ColumnSpec[], n: number): ColumnValues[] {
  return columns.map(() => new Array<string | number>(n));
}

function bad(message: string, row: number, field: string, agentId?: string): StoreError {
  return new StoreError("TW_ERR_STORE_BATCH", `${message} (row ${row}, ${field})`, { agentId });
}

function epochSeconds(value: unknown, row: number, field: string): number {
  if (typeof value !== "string" || !UTC_SECONDS.test(value)) {
    throw bad("time is not YYYY-MM-DDTHH:mm:ssZ", row, field);
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw bad("time is not a valid date", row, field);
  return ms / 1000;
}

function finite(value: unknown, row: number, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw bad("number is missing or not finite", row, field);
  }
  return value;
}

function text(value: unknown, row: number, field: string): string {
  if (value === undefined) return "";
  if (typeof value !== "string") throw bad("value is not a string", row, field);
  return value;
}

export function linesToColumns(lines: readonly StoredUsageLine[]): Columnar {
  const n = lines.length;
  const values = empty(LINE_COLUMNS, n);
  for (let c = 0; c < LINE_COLUMNS.length; c++) {
    const { name, type } = LINE_COLUMNS[c];
    const out = values[c];
    for (let r = 0; r < n; r++) {
      const v = (lines[r] as unknown as Record<string, unknown>)[name];
      out[r] =
        type === "TIMESTAMP"
          ? epochSeconds(v, r, name)
          : type === "DOUBLE"
            ? finite(v, r, name)
            : text(v, r, name);
    }
  }
  return { values, rowCount: n };
}

/** GpuReadingRow field for each reading column. */
const READING_FIELD: Record<string, keyof GpuReadingRow> = {
  agent_id: "agentId",
  window_start: "windowStartS",
  window_s: "windowS",
  gpu_uuid: "resourceId",
  gpu_model: "gpuModel",
  energy_j: "energyJ",
  covered_s: "coveredS",
  idle_w: "idleW",
  mean_power_w: "meanPowerW",
  mean_utilization: "meanUtilization",
  host_energy_j: "hostEnergyJ",
  facility_energy_j: "facilityEnergyJ",
  owner_workload: "ownerWorkload",
  owner_tenant: "ownerTenant",
  rejected_samples: "rejectedSamples",
  metro: "metro",
  hall: "hall",
  rack: "rack",
  lane: "lane",
  sovereignty_zone: "sovereigntyZone",
};

export function readingsToColumns(readings: readonly GpuReadingRow[]): {
  readings: Columnar;
  tokens: Columnar;
} {
  const n = readings.length;
  const values = empty(READING_COLUMNS, n);
  let tokenRows = 0;
  for (let r = 0; r < n; r++) tokenRows += readings[r].tokens.length;
  for (let c = 0; c < READING_COLUMNS.length; c++) {
    const { name, type } = READING_COLUMNS[c];
    const field = READING_FIELD[name];
    const out = values[c];
    for (let r = 0; r < n; r++) {
      const v = readings[r][field];
      out[r] = type === "VARCHAR" ? text(v, r, name) : finite(v, r, name);
    }
  }
  const t = empty(CONTRIBUTION_COLUMNS, tokenRows);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const g = readings[r];
    for (const c of g.tokens) {
      t[0][k] = g.agentId;
      t[1][k] = g.windowStartS;
      t[2][k] = g.resourceId;
      t[3][k] = text(c.workload, r, "tokens.workload");
      t[4][k] = text(c.tenant, r, "tokens.tenant");
      t[5][k] = finite(c.promptTokens, r, "tokens.promptTokens");
      t[6][k] = finite(c.cachedTokens, r, "tokens.cachedTokens");
      t[7][k] = finite(c.generationTokens, r, "tokens.generationTokens");
      t[8][k] = finite(c.requests, r, "tokens.requests");
      k++;
    }
  }
  return { readings: { values, rowCount: n }, tokens: { values: t, rowCount: tokenRows } };
}
