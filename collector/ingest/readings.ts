/**
 * GPU readings of a batch, checked (finite, non-negative, aligned window, string lengths)
 * and given the agent and the site of the batch's lines. A bad reading is dropped and
 * counted; it never fails the batch's lines.
 */
import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { GpuReading } from "../../wire/gpu-reading.js";
import type { GpuReadingRow, ReadingSite } from "../store/types.js";

/** A reading number must be finite and ≥ 0 (NaN fails `>=`). */
const bad = (v: number) => !(v >= 0 && v < Number.POSITIVE_INFINITY);

/**
 * Why `r` is refused, or undefined. Fields are read by name (not through a field list) so
 * every load stays monomorphic: this runs for every reading of every batch.
 */
export function checkReading(r: GpuReading, maxStringLength: number): string | undefined {
  if (bad(r.energyJ)) return `reading energyJ is ${r.energyJ}`;
  if (bad(r.coveredS)) return `reading coveredS is ${r.coveredS}`;
  if (bad(r.idleW)) return `reading idleW is ${r.idleW}`;
  if (bad(r.meanPowerW)) return `reading meanPowerW is ${r.meanPowerW}`;
  if (bad(r.meanUtilization)) return `reading meanUtilization is ${r.meanUtilization}`;
  if (bad(r.hostEnergyJ)) return `reading hostEnergyJ is ${r.hostEnergyJ}`;
  if (bad(r.facilityEnergyJ)) return `reading facilityEnergyJ is ${r.facilityEnergyJ}`;
  if (r.windowS <= 0 || 86400 % r.windowS !== 0 || r.windowStartS % r.windowS !== 0) {
    return `reading window ${r.windowStartS}+${r.windowS} s is not aligned`;
  }
  if (r.coveredS > r.windowS * (1 + 1e-9))
    return `reading coveredS ${r.coveredS} exceeds the window`;
  if (r.resourceId === "") return "reading resourceId is empty";
  if (
    r.resourceId.length > maxStringLength ||
    r.gpuModel.length > maxStringLength ||
    r.ownerWorkload.length > maxStringLength ||
    r.ownerTenant.length > maxStringLength
  ) {
    return "reading string too long";
  }
  for (const t of r.tokens) {
    if (t.workload.length > maxStringLength || t.tenant.length > maxStringLength)
      return "token string too long";
    if (bad(t.promptTokens)) return `token promptTokens is ${t.promptTokens}`;
    if (bad(t.cachedTokens)) return `token cachedTokens is ${t.cachedTokens}`;
    if (bad(t.generationTokens)) return `token generationTokens is ${t.generationTokens}`;
    if (bad(t.requests)) return `token requests is ${t.requests}`;
  }
  return undefined;
}

/** Which readings pass (`keep[i] === 1`), and why each other one was refused. */
export interface ReadingVerdict {
  keep: Uint8Array;
  rejected: string[];
}

export function checkReadings(
  readings: readonly GpuReading[],
  maxStringLength: number,
): ReadingVerdict {
  const keep = new Uint8Array(readings.length);
  const rejected: string[] = [];
  for (let i = 0; i < readings.length; i++) {
    const why = checkReading(readings[i], maxStringLength);
    if (why === undefined) keep[i] = 1;
    else rejected.push(why);
  }
  return { keep, rejected };
}

/** The site fields a batch's readings take from its (first valid) line. */
export type LineSite = Pick<
  UsageLine,
  "RegionId" | "AvailabilityZone" | "x_Rack" | "x_Lane" | "x_SovereigntyZone"
>;

/** The store's site fields of readings from their batch's line site. */
export function readingSite(site: LineSite | undefined): ReadingSite {
  return {
    metro: site?.RegionId ?? "",
    hall: site?.AvailabilityZone ?? "",
    rack: site?.x_Rack ?? "",
    lane: site?.x_Lane ?? "",
    sovereigntyZone: site?.x_SovereigntyZone ?? "",
  };
}

/** The kept readings as store rows (for stores that take objects): agent and site added. */
export function readingRows(
  agentId: string,
  readings: readonly GpuReading[],
  keep: Uint8Array,
  site: ReadingSite,
): GpuReadingRow[] {
  const rows: GpuReadingRow[] = [];
  for (let i = 0; i < readings.length; i++) {
    if (keep[i] === 1) rows.push({ ...readings[i], agentId, ...site });
  }
  return rows;
}
