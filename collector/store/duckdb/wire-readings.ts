/**
 * The wire decoder's readings (checked by the receiver, collector/ingest/readings.ts) → the
 * store's ReadingColumns, without extending them into GpuReadingRow objects: the collector's
 * fast path, beside wire-columns.ts for lines. Yields what readingsToColumns (to-columns.ts)
 * yields for the same readings given the batch's agent and site. Each field is read by
 * name, not through a field table, so every property load stays monomorphic.
 */
import type { WireReadings } from "../types.js";
import type { Column } from "./chunk-writer.js";
import { tuplesOf } from "./label-tuples.js";
import { CONTRIBUTION_COLUMNS, READING_COLUMNS, READINGS } from "./schema.js";
import { type ReadingColumns, TOKEN_NUMBERS, TOKEN_START } from "./to-columns.js";

const col = (name: string) => READING_COLUMNS.findIndex((c) => c.name === name);
const NUMBER_AT = [
  "window_s",
  "energy_j",
  "covered_s",
  "idle_w",
  "mean_power_w",
  "mean_utilization",
  "host_energy_j",
  "facility_energy_j",
  "rejected_samples",
].map(col);
const START_AT = col("window_start");

export function wireReadingsToColumns(agentId: string, readings: WireReadings): ReadingColumns {
  const { rows, keep, site } = readings;
  let n = 0;
  let tokenCount = 0;
  for (let i = 0; i < rows.length; i++) {
    if (keep[i] === 1) {
      n++;
      tokenCount += rows[i].tokens.length;
    }
  }
  const timeUs = new Float64Array(n);
  const nums = NUMBER_AT.map(() => new Float64Array(n));
  const [windowS, energy, covered, idle, power, util, host, facility, rejected] = nums;
  const gpu = new Array<string>(n);
  const gpuModel = new Array<string>(n);
  const workload = new Array<string>(n);
  const tenant = new Array<string>(n);
  const tStart = new Float64Array(tokenCount);
  const tNums = [0, 1, 2, 3].map(() => new Float64Array(tokenCount));
  const [prompt, cached, generation, requests] = tNums;
  const tWorkload = new Array<string>(tokenCount);
  const tTenant = new Array<string>(tokenCount);
  const owner = new Int32Array(tokenCount);
  let r = 0;
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    if (keep[i] !== 1) continue;
    const g = rows[i];
    timeUs[r] = g.windowStartS * 1e6;
    windowS[r] = g.windowS;
    energy[r] = g.energyJ;
    covered[r] = g.coveredS;
    idle[r] = g.idleW;
    power[r] = g.meanPowerW;
    util[r] = g.meanUtilization;
    host[r] = g.hostEnergyJ;
    facility[r] = g.facilityEnergyJ;
    rejected[r] = g.rejectedSamples;
    gpu[r] = g.resourceId;
    gpuModel[r] = g.gpuModel;
    workload[r] = g.ownerWorkload;
    tenant[r] = g.ownerTenant;
    for (const t of g.tokens) {
      owner[k] = r;
      tStart[k] = timeUs[r];
      tWorkload[k] = t.workload;
      tTenant[k] = t.tenant;
      prompt[k] = t.promptTokens;
      cached[k] = t.cachedTokens;
      generation[k] = t.generationTokens;
      requests[k] = t.requests;
      k++;
    }
    r++;
  }
  // The labels in READINGS.layout.labels order; agent and site are the batch's.
  const byName: Record<string, string[] | string> = {
    agent_id: agentId,
    gpu_uuid: gpu,
    gpu_model: gpuModel,
    owner_workload: workload,
    owner_tenant: tenant,
    metro: site.metro,
    hall: site.hall,
    rack: site.rack,
    lane: site.lane,
    sovereignty_zone: site.sovereigntyZone,
  };
  const labelNames = READINGS.labels;
  const varying = labelNames.filter((l) => typeof byName[l] !== "string");
  const tuples = tuplesOf(
    varying.map((l) => byName[l] as string[]),
    n,
  );
  const labels = {
    ...tuples,
    values: labelNames.map((l) => {
      const v = byName[l];
      return typeof v === "string"
        ? new Array<string>(tuples.count).fill(v)
        : tuples.values[varying.indexOf(l)];
    }),
  };
  const columns = new Array<Column | undefined>(READING_COLUMNS.length).fill(undefined);
  columns[START_AT] = { type: "TIMESTAMP", values: timeUs };
  NUMBER_AT.forEach((at, i) => {
    columns[at] = { type: "DOUBLE", values: nums[i] };
  });
  const tokens = new Array<Column | undefined>(CONTRIBUTION_COLUMNS.length).fill(undefined);
  tokens[TOKEN_START] = { type: "TIMESTAMP", values: tStart };
  TOKEN_NUMBERS.forEach((at, i) => {
    tokens[at] = { type: "DOUBLE", values: tNums[i] };
  });
  return {
    readings: { columns, labels, rowCount: n, timeUs },
    tokens,
    tokenLabels: tuplesOf([tWorkload, tTenant], tokenCount),
    tokenCount,
    owner,
  };
}
