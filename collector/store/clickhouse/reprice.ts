/**
 * Re-pricing on the ClickHouse store: the kernel's output, labelled from the chunk's handle
 * (reprice-read.ts), becomes usage lines under the new version. Without transactions
 * "write the lines and record the range" is two steps: the lines go through the same
 * insert-if-absent path as ingest, so a restart that redoes a range whose record was lost
 * stores nothing twice.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { ReadingChunk, RepricedLines, RepriceTarget, TimeRangeS } from "../types.js";
import { insertRows, selectArrays } from "./client.js";
import { type IngestContext, insertAbsent, lineExtra } from "./ingest.js";
import { type ChunkLabels, rangeWhere } from "./reprice-read.js";
import { lineRows, type Row } from "./rows.js";
import { LINE_KEY } from "./schema.js";
import { chString } from "./sql.js";

/** Output column ← RepricedLines column. */
const OUT_COLUMNS = [
  ["x_GpuEnergyJ", "gpuEnergyJ"],
  ["x_IdleEnergyJ", "idleEnergyJ"],
  ["x_HostEnergyJ", "hostEnergyJ"],
  ["x_FacilityEnergyJ", "facilityEnergyJ"],
  ["x_GpuSeconds", "gpuSeconds"],
  ["x_PromptTokens", "prompt"],
  ["x_CachedTokens", "cached"],
  ["x_GenerationTokens", "gen"],
  ["x_Requests", "requests"],
  ["x_Coverage", "coverage"],
  ["x_EnergyCost", "energyCost"],
  ["x_GpuTimeCost", "gpuTimeCost"],
  ["ListCost", "listCost"],
  ["EffectiveCost", "effectiveCost"],
  ["x_CarbonG", "carbonG"],
] as const;

/** The served model per agent × workload, from the lines stored for the range. */
async function models(
  client: ClickHouseClient,
  db: string,
  range: TimeRangeS,
): Promise<Map<string, string>> {
  const rows = await selectArrays(
    client,
    `SELECT x_AgentId, x_Workload, max(x_Model) FROM ${db}.usage_lines
WHERE ${rangeWhere("ChargePeriodStart", range)} AND x_Model != ''
GROUP BY x_AgentId, x_Workload`,
  );
  return new Map(rows.map((r) => [`${r[0]}\u0000${r[1]}`, String(r[2])]));
}

/** The kernel's lines as usage-line rows, labelled from the chunk. */
async function repricedRows(
  client: ClickHouseClient,
  db: string,
  chunk: ReadingChunk,
  lines: RepricedLines,
  target: RepriceTarget,
): Promise<Row[]> {
  const l = chunk.handle as ChunkLabels;
  const model = await models(client, db, chunk.range);
  const rows: Row[] = [];
  for (let i = 0; i < lines.count; i++) {
    const r = lines.reading[i];
    const idle = lines.kind[i] === 1;
    const workload = idle ? l.ownerWorkload[r] : l.tokenWorkload[lines.source[i]];
    const start = chunk.windowStartS[r];
    const row: Row = {
      ChargePeriodStart: start,
      ChargePeriodEnd: start + Math.round(chunk.windowS[r]),
      x_AgentId: l.agent[r],
      ResourceId: l.gpu[r],
      x_GpuModel: l.gpuModel[r],
      x_Workload: workload,
      x_Model: model.get(`${l.agent[r]}\u0000${workload}`) ?? "",
      SubAccountId: idle ? l.ownerTenant[r] : l.tokenTenant[lines.source[i]],
      x_LineKind: idle ? "idle" : "usage",
      RegionId: l.metro[r],
      AvailabilityZone: l.hall[r],
      x_Rack: l.rack[r],
      x_Lane: l.lane[r],
      x_SovereigntyZone: l.zone[r],
      BillingCurrency: target.currency,
      x_PriceVersion: target.version,
    };
    for (const [column, k] of OUT_COLUMNS) row[column] = lines.columns[k][i];
    rows.push(row);
  }
  return rows;
}

/** Lines first (insert-if-absent), then the range record: a redo never stores twice. */
export async function writeRepriced(
  ctx: IngestContext,
  chunk: ReadingChunk,
  lines: RepricedLines,
  target: RepriceTarget,
): Promise<number> {
  const rows = await repricedRows(ctx.client, ctx.db, chunk, lines, target);
  const inserted = await insertAbsent(ctx, "usage_lines", lineRows(rows, LINE_KEY), lineExtra(ctx));
  await recordRange(ctx, chunk, target.version, inserted);
  return inserted;
}

async function recordRange(
  ctx: IngestContext,
  chunk: ReadingChunk,
  version: string,
  lines: number,
): Promise<void> {
  await insertRows(ctx.client, `${ctx.db}.reprice_ranges`, [
    {
      version,
      from_s: chunk.range.fromS,
      to_s: chunk.range.toS,
      readings: chunk.count,
      lines,
      done: Math.floor(ctx.nowMs / 1000),
      collector: ctx.collector,
    },
  ]);
}

export async function repricedRanges(
  client: ClickHouseClient,
  db: string,
  version: string,
): Promise<TimeRangeS[]> {
  const rows = await selectArrays(
    client,
    `SELECT DISTINCT from_s, to_s FROM ${db}.reprice_ranges WHERE version = ${chString(version)}
ORDER BY from_s, to_s`,
  );
  return rows.map((r) => ({ fromS: Number(r[0]), toS: Number(r[1]) }));
}

export async function countReadings(
  client: ClickHouseClient,
  db: string,
  range: TimeRangeS,
): Promise<number> {
  const rows = await selectArrays(
    client,
    `SELECT count() FROM ${db}.gpu_readings FINAL WHERE ${rangeWhere("window_start", range)}`,
  );
  return Number(rows[0]?.[0] ?? 0);
}

export async function hasLinesOfVersion(
  client: ClickHouseClient,
  db: string,
  version: string,
): Promise<boolean> {
  const rows = await selectArrays(
    client,
    `SELECT 1 FROM ${db}.usage_lines WHERE x_PriceVersion = ${chString(version)} LIMIT 1`,
  );
  return rows.length > 0;
}
