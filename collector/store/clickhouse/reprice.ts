/**
 * Re-pricing on the ClickHouse store. A range's readings (deduplicated with FINAL) come back
 * in stage-2 order (window start, agent, GPU) with their token rows; the labels stay in the
 * chunk's handle, in JS, and label the kernel's output on the way back. Without transactions
 * "write the lines and record the range" is two steps: the lines go through the same
 * insert-if-absent path as ingest, so a restart that redoes a range whose record was lost
 * stores nothing twice.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { LANES } from "../../../kernel/src/usage-line.js";
import type { ReadingChunk, RepricedLines, RepriceTarget, TimeRangeS } from "../types.js";
import { insertRows, selectArrays } from "./client.js";
import type { Row } from "./rows.js";
import { chString, chTime } from "./sql.js";

/** Labels of a chunk, by reading / token row index. */
interface ChunkLabels {
  agent: string[];
  gpu: string[];
  gpuModel: string[];
  ownerWorkload: string[];
  ownerTenant: string[];
  metro: string[];
  hall: string[];
  rack: string[];
  lane: string[];
  zone: string[];
  tokenWorkload: string[];
  tokenTenant: string[];
}

/** DateTime bounds of `[fromS, toS)` for whole-second columns, clamped to DateTime's range. */
function rangeWhere(column: string, r: TimeRangeS): string {
  const bound = (s: number) => chTime(Math.min(Math.max(Math.ceil(s), 0), 4_294_967_295));
  return `${column} >= ${bound(r.fromS)} AND ${column} < ${bound(r.toS)}`;
}

const LANE_INDEX = new Map<string, number>(LANES.map((l, i) => [l, i]));

export async function readReadingChunk(
  client: ClickHouseClient,
  db: string,
  range: TimeRangeS,
): Promise<ReadingChunk> {
  const [readings, tokens] = await Promise.all([
    selectArrays(
      client,
      `SELECT agent_id, toUInt32(window_start), window_s, gpu_uuid, gpu_model, energy_j, covered_s,
  idle_w, host_energy_j, facility_energy_j, owner_workload, owner_tenant, metro, hall, rack, lane,
  sovereignty_zone
FROM ${db}.gpu_readings FINAL WHERE ${rangeWhere("window_start", range)}
ORDER BY window_start, agent_id, gpu_uuid`,
    ),
    selectArrays(
      client,
      `SELECT agent_id, toUInt32(window_start), gpu_uuid, workload, tenant, prompt_tokens,
  cached_tokens, generation_tokens, requests
FROM ${db}.gpu_reading_tokens FINAL WHERE ${rangeWhere("window_start", range)}
ORDER BY window_start, agent_id, gpu_uuid, workload, tenant`,
    ),
  ]);
  const n = readings.length;
  const labels: ChunkLabels = {
    agent: [],
    gpu: [],
    gpuModel: [],
    ownerWorkload: [],
    ownerTenant: [],
    metro: [],
    hall: [],
    rack: [],
    lane: [],
    zone: [],
    tokenWorkload: [],
    tokenTenant: [],
  };
  const chunk: ReadingChunk = {
    range,
    count: n,
    group: new Int32Array(n),
    lane: new Int32Array(n),
    windowStartS: new Float64Array(n),
    windowS: new Float64Array(n),
    energyJ: new Float64Array(n),
    coveredS: new Float64Array(n),
    idleW: new Float64Array(n),
    hostEnergyJ: new Float64Array(n),
    facilityEnergyJ: new Float64Array(n),
    tokens: {
      count: 0,
      reading: new Int32Array(0),
      prompt: new Float64Array(0),
      cached: new Float64Array(0),
      gen: new Float64Array(0),
      requests: new Float64Array(0),
    },
    handle: labels,
  };
  const rid = new Map<string, number>();
  let group = -1;
  for (let i = 0; i < n; i++) {
    const r = readings[i];
    const agent = String(r[0]);
    const start = Number(r[1]);
    if (i === 0 || agent !== labels.agent[i - 1] || start !== chunk.windowStartS[i - 1]) group++;
    chunk.group[i] = group;
    chunk.windowStartS[i] = start;
    chunk.windowS[i] = Number(r[2]);
    chunk.energyJ[i] = Number(r[5]);
    chunk.coveredS[i] = Number(r[6]);
    chunk.idleW[i] = Number(r[7]);
    chunk.hostEnergyJ[i] = Number(r[8]);
    chunk.facilityEnergyJ[i] = Number(r[9]);
    chunk.lane[i] = LANE_INDEX.get(String(r[15])) ?? -1;
    labels.agent.push(agent);
    labels.gpu.push(String(r[3]));
    labels.gpuModel.push(String(r[4]));
    labels.ownerWorkload.push(String(r[10]));
    labels.ownerTenant.push(String(r[11]));
    labels.metro.push(String(r[12]));
    labels.hall.push(String(r[13]));
    labels.rack.push(String(r[14]));
    labels.lane.push(String(r[15]));
    labels.zone.push(String(r[16]));
    rid.set(`${agent}\u0000${start}\u0000${String(r[3])}`, i);
  }
  // Same order as the readings, so token rows come out sorted by reading.
  const kept = tokens.filter((t) => rid.has(`${t[0]}\u0000${t[1]}\u0000${t[2]}`));
  const m = kept.length;
  const t = chunk.tokens;
  t.count = m;
  t.reading = new Int32Array(m);
  t.prompt = new Float64Array(m);
  t.cached = new Float64Array(m);
  t.gen = new Float64Array(m);
  t.requests = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const row = kept[j];
    t.reading[j] = rid.get(`${row[0]}\u0000${row[1]}\u0000${row[2]}`)!;
    labels.tokenWorkload.push(String(row[3]));
    labels.tokenTenant.push(String(row[4]));
    t.prompt[j] = Number(row[5]);
    t.cached[j] = Number(row[6]);
    t.gen[j] = Number(row[7]);
    t.requests[j] = Number(row[8]);
  }
  return chunk;
}

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
export async function repricedRows(
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

export async function recordRange(
  client: ClickHouseClient,
  db: string,
  chunk: ReadingChunk,
  version: string,
  lines: number,
  nowMs: number,
  collector: string,
): Promise<void> {
  await insertRows(client, `${db}.reprice_ranges`, [
    {
      version,
      from_s: chunk.range.fromS,
      to_s: chunk.range.toS,
      readings: chunk.count,
      lines,
      done: Math.floor(nowMs / 1000),
      collector,
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
