/**
 * The columnar LineBlock → line columns (LineColumnData); predicted rows are recomputed
 * (line-predictors.ts). One pass per column into typed arrays: each row's reading, token row
 * and fraction are found once, not once per predicted column.
 */
import { LANES } from "../kernel/src/usage-line.js";
import { WireError } from "./errors.js";
import { stepUlps } from "./float-bits.js";
import type { GpuReading, TokenCount } from "./gpu-reading.js";
import {
  LINE_NUMBER_COLUMNS,
  LINE_STRING_COLUMNS,
  type LineColumnData,
  type LineNumberField,
  type LineStringField,
} from "./line-columns.js";
import {
  FRACTION_BIAS,
  FRACTION_COLUMNS,
  J_PER_KWH,
  type ReadingIndex,
  S_PER_HOUR,
} from "./line-predictors.js";
import { readNumberColumn } from "./number-column.js";
import type { tokenwatt } from "./proto.js";
import { lookupStrings } from "./string-table.js";

type LineBlock = tokenwatt.v1.LineBlock.$Properties;
type Predict = (row: number, variant: number, factors: readonly number[]) => number;

const LANE_SET: ReadonlySet<string> = new Set(LANES);

/** The reading's quantity that fraction column `c` (FRACTION_COLUMNS order) is a share of. */
function fractionBase(r: GpuReading, c: number): number {
  if (c === 0) return r.energyJ;
  if (c === 1) return Math.min(r.energyJ, r.idleW * r.coveredS);
  return c === 2 ? r.hostEnergyJ : r.facilityEnergyJ;
}

export function decodeLines(
  block: LineBlock | null | undefined,
  table: readonly string[],
  baseS: number,
  index: ReadingIndex,
): LineColumnData | WireError {
  const n = block?.count ?? 0;
  const bad = (what: string, row?: number) =>
    new WireError("TW_ERR_WIRE_DECODE", `line block: ${what}`, row === undefined ? {} : { row });
  const text = {} as Record<LineStringField, string[]>;
  const numbers = {} as Record<LineNumberField, Float64Array>;
  for (const [field] of LINE_NUMBER_COLUMNS) numbers[field] = new Float64Array(n);
  const startS = new Float64Array(n);
  const lengthS = new Float64Array(n);
  if (n === 0) {
    for (const [field] of LINE_STRING_COLUMNS) text[field] = [];
    return { count: 0, startS, lengthS, text, numbers };
  }
  const b = block!;
  for (const [field, key] of LINE_STRING_COLUMNS) {
    // Batches from agents older than the x_Model column carry none: the model is unknown.
    if (key === "model" && (b[key] ?? []).length === 0) {
      text[field] = new Array<string>(n).fill("");
      continue;
    }
    const col = lookupStrings(table, b[key], n);
    if (!col) return bad(`string column ${key}`);
    text[field] = col;
  }
  const startDelta = b.startDeltaS ?? [];
  const length = b.lengthS ?? [];
  const ulps = b.fractionUlps ?? new Uint8Array(0);
  if (startDelta.length !== n || length.length !== n || ulps.length !== n) {
    return bad("time or fraction column length");
  }
  const kinds = text.x_LineKind;
  const lanes = text.x_Lane;
  for (let i = 0; i < n; i++) {
    startS[i] = baseS + startDelta[i];
    lengthS[i] = length[i];
    const kind = kinds[i];
    if (kind !== "usage" && kind !== "idle") return bad(`line kind "${kind}"`, i);
    if (!LANE_SET.has(lanes[i])) return bad(`lane "${lanes[i]}"`, i);
  }
  const gpuSeconds = numbers.x_GpuSeconds;
  if (!readNumberColumn(b.gpuSeconds, n, undefined, gpuSeconds)) return bad("column gpuSeconds");
  // Per row, once: its reading, its token row, and its fraction (NaN: none).
  const reading = new Int32Array(n);
  const tokens = new Array<TokenCount | undefined>(n);
  const fraction = new Float64Array(n);
  const gpus = text.ResourceId;
  const workloads = text.x_Workload;
  const tenants = text.SubAccountId;
  for (let i = 0; i < n; i++) {
    const r =
      i > 0 && startS[i] === startS[i - 1] && gpus[i] === gpus[i - 1]
        ? reading[i - 1]
        : index.indexOf(startS[i], gpus[i]);
    reading[i] = r;
    tokens[i] = index.tokens(r, workloads[i], tenants[i]);
    fraction[i] =
      r < 0 || ulps[i] === 0
        ? Number.NaN
        : stepUlps(gpuSeconds[i] / lengthS[i], ulps[i] - FRACTION_BIAS);
  }
  const readings = index.readings;
  const v = numbers;
  const predictors: Partial<Record<LineNumberField, Predict>> = {
    x_EnergyCost: (row, k, f) => (v.x_FacilityEnergyJ[row] / J_PER_KWH) * f[k],
    x_GpuTimeCost: (row, k, f) => (v.x_GpuSeconds[row] / S_PER_HOUR) * f[k],
    ListCost: (row) => v.x_EnergyCost[row] + v.x_GpuTimeCost[row],
    EffectiveCost: (row, k, f) => v.ListCost[row] * f[k],
  };
  FRACTION_COLUMNS.forEach((field, c) => {
    predictors[field] = (row) => {
      const r = reading[row];
      return r < 0 || ulps[row] === 0 ? Number.NaN : fraction[row] * fractionBase(readings[r], c);
    };
  });
  // One closure per field (not one over a field name): each load stays monomorphic.
  predictors.x_PromptTokens = (row) => tokens[row]?.promptTokens ?? Number.NaN;
  predictors.x_CachedTokens = (row) => tokens[row]?.cachedTokens ?? Number.NaN;
  predictors.x_GenerationTokens = (row) => tokens[row]?.generationTokens ?? Number.NaN;
  predictors.x_Requests = (row) => tokens[row]?.requests ?? Number.NaN;
  for (const [field, key] of LINE_NUMBER_COLUMNS) {
    if (field === "x_GpuSeconds") continue;
    if (!readNumberColumn(b[key], n, predictors[field], v[field])) return bad(`column ${key}`);
  }
  return { count: n, startS, lengthS, text, numbers };
}
