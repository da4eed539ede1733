/**
 * Reading a range's readings for re-pricing. The readings (deduplicated with FINAL) come back
 * in stage-2 order (window start, agent, GPU) with their token rows; the labels stay in the
 * chunk's handle, in JS, and label the kernel's output in reprice.ts.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { LANES } from "../../../kernel/src/usage-line.js";
import { newReadingChunk } from "../reading-columns.js";
import type { ReadingChunk, TimeRangeS } from "../types.js";
import { selectArrays } from "./client.js";
import { chTime } from "./sql.js";

/** Labels of a chunk, by reading / token row index. */
export interface ChunkLabels {
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
export function rangeWhere(column: string, r: TimeRangeS): string {
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
  const chunk: ReadingChunk = newReadingChunk(range, n, labels);
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
