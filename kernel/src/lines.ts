/**
 * Columnar stage-2 output → usage lines (../shared/spec/usage-line.md): labels for the
 * indices, window timestamps, site fields and the price version. Pure; the agent and the
 * collector's re-pricing both use it.
 */
import { LineKind, type Stage2Output } from "./types.js";
import { formatUtcSeconds, type Lane, type UsageLine } from "./usage-line.js";

/** Site fields copied onto every line (agent config `site:`). */
export interface SiteLabels {
  /** RegionId. */
  metro: string;
  /** AvailabilityZone. */
  hall: string;
  rack: string;
  lane: Lane;
  sovereigntyZone: string;
}

/** What the indices of a Stage2Output stand for. */
export interface LineLabels {
  agentId: string;
  /** Per stage-2 window: start and length, epoch seconds. */
  windowStartS: ArrayLike<number>;
  windowLengthS: ArrayLike<number>;
  /** Per reading: its window index (Stage2Readings.window). */
  readingWindow: ArrayLike<number>;
  /** Per reading: GPU UUID (`GPU-…`) and model name ("" when unknown). */
  readingGpuUuid: readonly string[];
  readingGpuModel: readonly string[];
  /** Indexed by the workload and tenant columns; -1 is rendered as "". */
  workloadNames: readonly string[];
  tenantNames: readonly string[];
  site: SiteLabels;
  /** Served model per workload index (x_Model); when given, every line carries x_Model. */
  workloadModels?: readonly string[];
  /** ISO 4217. */
  currency: string;
  priceVersion: string;
}

/** A line index has no label: the host built the labels from other inputs than the kernel's. */
export class LineLabelError extends Error {
  readonly code = "TW_ERR_LINE_LABEL";
  constructor(
    readonly field: string,
    readonly index: number,
    readonly line: number,
  ) {
    super(`usage line ${line}: no ${field} label for index ${index}`);
    this.name = "LineLabelError";
  }
}

function label(names: ArrayLike<string>, index: number, field: string, line: number): string {
  if (index === -1) return "";
  if (!(index >= 0 && index < names.length)) throw new LineLabelError(field, index, line);
  return names[index];
}

function finite(values: ArrayLike<number>, index: number, field: string, line: number): number {
  const v = values[index];
  if (!(index >= 0 && index < values.length) || !Number.isFinite(v)) {
    throw new LineLabelError(field, index, line);
  }
  return v;
}

/** Line `i` of `out` as a UsageLine, fields in the spec's order. */
export function usageLineAt(out: Stage2Output, labels: LineLabels, i: number): UsageLine {
  const r = out.reading[i];
  const w = finite(labels.readingWindow, r, "readingWindow", i);
  const startS = finite(labels.windowStartS, w, "windowStartS", i);
  const lengthS = finite(labels.windowLengthS, w, "windowLengthS", i);
  const site = labels.site;
  return {
    ChargePeriodStart: formatUtcSeconds(startS),
    ChargePeriodEnd: formatUtcSeconds(startS + lengthS),
    x_AgentId: labels.agentId,
    ResourceId: label(labels.readingGpuUuid, r, "readingGpuUuid", i),
    x_GpuModel: label(labels.readingGpuModel, r, "readingGpuModel", i),
    x_Workload: label(labels.workloadNames, out.workload[i], "workloadNames", i),
    SubAccountId: label(labels.tenantNames, out.tenant[i], "tenantNames", i),
    x_LineKind: out.kind[i] === LineKind.Idle ? "idle" : "usage",
    RegionId: site.metro,
    AvailabilityZone: site.hall,
    x_Rack: site.rack,
    x_Lane: site.lane,
    x_SovereigntyZone: site.sovereigntyZone,
    x_GpuEnergyJ: out.gpuEnergyJ[i],
    x_IdleEnergyJ: out.idleEnergyJ[i],
    x_HostEnergyJ: out.hostEnergyJ[i],
    x_FacilityEnergyJ: out.facilityEnergyJ[i],
    x_GpuSeconds: out.gpuSeconds[i],
    x_PromptTokens: out.prompt[i],
    x_CachedTokens: out.cached[i],
    x_GenerationTokens: out.gen[i],
    x_Requests: out.requests[i],
    x_Coverage: out.coverage[i],
    BillingCurrency: labels.currency,
    x_EnergyCost: out.energyCost[i],
    x_GpuTimeCost: out.gpuTimeCost[i],
    ListCost: out.listCost[i],
    EffectiveCost: out.effectiveCost[i],
    x_CarbonG: out.carbonG[i],
    x_PriceVersion: labels.priceVersion,
    ...(labels.workloadModels === undefined
      ? {}
      : { x_Model: out.workload[i] >= 0 ? (labels.workloadModels[out.workload[i]] ?? "") : "" }),
  };
}

/** All `out.count` lines, in kernel order. Throws LineLabelError for an index without a label. */
export function toUsageLines(out: Stage2Output, labels: LineLabels): UsageLine[] {
  const lines: UsageLine[] = new Array(out.count);
  for (let i = 0; i < out.count; i++) lines[i] = usageLineAt(out, labels, i);
  return lines;
}

/**
 * NDJSON, one line per usage line, each ended by "\n" (what `tokenwatt replay` prints). One
 * string per usage line is yielded so a caller can stream to a file or socket.
 */
export function* usageLinesNdjson(out: Stage2Output, labels: LineLabels): Generator<string> {
  for (let i = 0; i < out.count; i++) yield `${JSON.stringify(usageLineAt(out, labels, i))}\n`;
}
