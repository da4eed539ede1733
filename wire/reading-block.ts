/** GPU readings ↔ the columnar ReadingBlock (see proto/tokenwatt/v1/batch.proto). */
import { WireError } from "./errors.js";
import { sameNumber } from "./float-bits.js";
import type { GpuReading, TokenCount } from "./gpu-reading.js";
import { NumberColumnWriter, readNumberColumn } from "./number-column.js";
import type { tokenwatt } from "./proto.js";
import { lookupStrings, type StringTable } from "./string-table.js";

type ReadingBlock = tokenwatt.v1.ReadingBlock.$Properties;

const READING_NUMBERS = [
  "energyJ",
  "coveredS",
  "idleW",
  "meanPowerW",
  "meanUtilization",
  "hostEnergyJ",
  "facilityEnergyJ",
] as const;
const TOKEN_NUMBERS = ["promptTokens", "cachedTokens", "generationTokens", "requests"] as const;

export function isUint32(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= 0xffff_ffff;
}

export function encodeReadings(
  readings: readonly GpuReading[],
  strings: StringTable,
  baseS: number,
): ReadingBlock | WireError {
  const n = readings.length;
  const cols = READING_NUMBERS.map(() => new NumberColumnWriter(n));
  const nTokens = readings.reduce((s, r) => s + r.tokens.length, 0);
  const tokenCols = TOKEN_NUMBERS.map(() => new NumberColumnWriter(nTokens));
  const block = {
    count: n,
    startDeltaS: new Array<number>(n),
    windowS: new Array<number>(n),
    resourceId: new Array<number>(n),
    gpuModel: new Array<number>(n),
    ownerWorkload: new Array<number>(n),
    ownerTenant: new Array<number>(n),
    rejectedSamples: new Array<number>(n),
    tokenCount: new Array<number>(n),
    tokenWorkload: new Array<number>(nTokens),
    tokenTenant: new Array<number>(nTokens),
  };
  let t = 0;
  for (let i = 0; i < n; i++) {
    const r = readings[i];
    for (const [field, v] of [
      ["windowStartS", r.windowStartS],
      ["windowS", r.windowS],
      ["rejectedSamples", r.rejectedSamples],
    ] as const) {
      if (!isUint32(v)) {
        return new WireError("TW_ERR_WIRE_RANGE", `${v} is not a uint32`, { row: i, field });
      }
    }
    block.startDeltaS[i] = r.windowStartS - baseS;
    block.windowS[i] = r.windowS;
    block.resourceId[i] = strings.id(r.resourceId);
    block.gpuModel[i] = strings.id(r.gpuModel);
    block.ownerWorkload[i] = strings.id(r.ownerWorkload);
    block.ownerTenant[i] = strings.id(r.ownerTenant);
    block.rejectedSamples[i] = r.rejectedSamples;
    block.tokenCount[i] = r.tokens.length;
    READING_NUMBERS.forEach((k, c) => {
      // Mean power is usually energy / covered seconds: predicted when exactly so.
      if (k === "meanPowerW" && sameNumber(r.energyJ / r.coveredS, r.meanPowerW)) {
        cols[c].predicted(i, 0);
      } else cols[c].put(i, r[k]);
    });
    for (const tc of r.tokens) {
      block.tokenWorkload[t] = strings.id(tc.workload);
      block.tokenTenant[t] = strings.id(tc.tenant);
      TOKEN_NUMBERS.forEach((k, c) => {
        tokenCols[c].put(t, tc[k]);
      });
      t++;
    }
  }
  const out: Record<string, unknown> = { ...block };
  READING_NUMBERS.forEach((k, c) => {
    out[k] = cols[c].finish();
  });
  TOKEN_NUMBERS.forEach((k, c) => {
    out[k] = tokenCols[c].finish();
  });
  return out as ReadingBlock;
}

export function decodeReadings(
  block: ReadingBlock | null | undefined,
  table: readonly string[],
  baseS: number,
): GpuReading[] | WireError {
  const n = block?.count ?? 0;
  if (n === 0) return [];
  const b = block!;
  const bad = (what: string) => new WireError("TW_ERR_WIRE_DECODE", `reading block: ${what}`);
  const resourceId = lookupStrings(table, b.resourceId, n);
  const gpuModel = lookupStrings(table, b.gpuModel, n);
  const ownerWorkload = lookupStrings(table, b.ownerWorkload, n);
  const ownerTenant = lookupStrings(table, b.ownerTenant, n);
  if (!resourceId || !gpuModel || !ownerWorkload || !ownerTenant) return bad("string column");
  const counts = b.tokenCount ?? [];
  for (const c of [b.startDeltaS, b.windowS, b.rejectedSamples, counts]) {
    if ((c?.length ?? 0) !== n) return bad("column length");
  }
  const nTokens = counts.reduce((s, c) => s + c, 0);
  const workloads = lookupStrings(table, b.tokenWorkload, nTokens);
  const tenants = lookupStrings(table, b.tokenTenant, nTokens);
  if (!workloads || !tenants) return bad("token string column");
  const nums = READING_NUMBERS.map(() => new Float64Array(n));
  const energy = nums[0];
  const covered = nums[1];
  for (let c = 0; c < READING_NUMBERS.length; c++) {
    const k = READING_NUMBERS[c];
    const predict = k === "meanPowerW" ? (row: number) => energy[row] / covered[row] : undefined;
    if (!readNumberColumn(b[k], n, predict, nums[c])) return bad(k);
  }
  const tokenNums = TOKEN_NUMBERS.map(() => new Float64Array(nTokens));
  for (let c = 0; c < TOKEN_NUMBERS.length; c++) {
    const k = TOKEN_NUMBERS[c];
    if (!readNumberColumn(b[k], nTokens, undefined, tokenNums[c])) return bad(k);
  }
  const out = new Array<GpuReading>(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    const tokens = new Array<TokenCount>(counts[i]);
    for (let j = 0; j < counts[i]; j++, t++) {
      tokens[j] = {
        workload: workloads[t],
        tenant: tenants[t],
        promptTokens: tokenNums[0][t],
        cachedTokens: tokenNums[1][t],
        generationTokens: tokenNums[2][t],
        requests: tokenNums[3][t],
      };
    }
    out[i] = {
      windowStartS: baseS + b.startDeltaS![i],
      windowS: b.windowS![i],
      resourceId: resourceId[i],
      gpuModel: gpuModel[i],
      energyJ: nums[0][i],
      coveredS: nums[1][i],
      idleW: nums[2][i],
      meanPowerW: nums[3][i],
      meanUtilization: nums[4][i],
      hostEnergyJ: nums[5][i],
      facilityEnergyJ: nums[6][i],
      ownerWorkload: ownerWorkload[i],
      ownerTenant: ownerTenant[i],
      rejectedSamples: b.rejectedSamples![i],
      tokens,
    };
  }
  return out;
}
