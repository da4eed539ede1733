/**
 * GPU readings of a batch → store rows (the decoded objects, extended in place): each checked (finite, non-negative, aligned window,
 * string lengths) and given the agent and the site of the batch's lines. A bad reading is
 * dropped and counted; it never fails the batch's lines.
 */
import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { GpuReading } from "../../wire/gpu-reading.js";
import type { GpuReadingRow } from "../store/types.js";

const NUMBERS = [
  "energyJ",
  "coveredS",
  "idleW",
  "meanPowerW",
  "meanUtilization",
  "hostEnergyJ",
  "facilityEnergyJ",
] as const satisfies readonly (keyof GpuReading)[];

const TOKEN_NUMBERS = ["promptTokens", "cachedTokens", "generationTokens", "requests"] as const;

/** Why `r` is refused, or undefined. */
export function checkReading(r: GpuReading, maxStringLength: number): string | undefined {
  for (const f of NUMBERS) {
    const v = r[f];
    if (!Number.isFinite(v) || v < 0) return `reading ${f} is ${v}`;
  }
  if (r.windowS <= 0 || 86400 % r.windowS !== 0 || r.windowStartS % r.windowS !== 0) {
    return `reading window ${r.windowStartS}+${r.windowS} s is not aligned`;
  }
  if (r.coveredS > r.windowS * (1 + 1e-9))
    return `reading coveredS ${r.coveredS} exceeds the window`;
  if (r.resourceId === "") return "reading resourceId is empty";
  for (const s of [r.resourceId, r.gpuModel, r.ownerWorkload, r.ownerTenant]) {
    if (s.length > maxStringLength) return "reading string too long";
  }
  for (const t of r.tokens) {
    if (t.workload.length > maxStringLength || t.tenant.length > maxStringLength)
      return "token string too long";
    for (const f of TOKEN_NUMBERS) {
      if (!Number.isFinite(t[f]) || t[f] < 0) return `token ${f} is ${t[f]}`;
    }
  }
  return undefined;
}

export interface ReadingRows {
  rows: GpuReadingRow[];
  rejected: string[];
}

/** The site fields a batch's readings take from its (first valid) line. */
export type LineSite = Pick<
  UsageLine,
  "RegionId" | "AvailabilityZone" | "x_Rack" | "x_Lane" | "x_SovereigntyZone"
>;

export function readingRows(
  agentId: string,
  readings: readonly GpuReading[],
  site: LineSite | undefined,
  maxStringLength: number,
): ReadingRows {
  const metro = site?.RegionId ?? "";
  const hall = site?.AvailabilityZone ?? "";
  const rack = site?.x_Rack ?? "";
  const lane = site?.x_Lane ?? "";
  const sovereigntyZone = site?.x_SovereigntyZone ?? "";
  const rows: GpuReadingRow[] = [];
  const rejected: string[] = [];
  for (const r of readings) {
    const why = checkReading(r, maxStringLength);
    if (why !== undefined) {
      rejected.push(why);
      continue;
    }
    rows.push(Object.assign(r, { agentId, metro, hall, rack, lane, sovereigntyZone }));
  }
  return { rows, rejected };
}
