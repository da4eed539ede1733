import { normalizeGpuUuid } from "./common/gpu.js";
import { newScrape, usable } from "./common/values.js";
import type { GpuSample, Scrape } from "./types.js";

/** The fields the nvidia-smi source queries, in this order (supported by every driver ≥ 450). */
export const QUERY_FIELDS = [
  "index",
  "uuid",
  "name",
  "power.draw",
  "power.limit",
  "utilization.gpu",
  "memory.used",
  "memory.total",
  "temperature.gpu",
] as const;

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Unit suffixes `--format=csv` (without `nounits`) appends; stripped so both forms parse. */
const UNIT = / ?(?:W|%|MiB|MHz|C)$/;

/**
 * Parses `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` output (fields in
 * QUERY_FIELDS order). A body whose first line is a header (`--format=csv`, as in captures)
 * is read by column name instead, with units stripped. `[N/A]`, `N/A`, `[Not Supported]`,
 * deprecation markers and any other non-number are missing values, counted as discarded;
 * `0` is a reading of zero. Rows without a UUID are skipped and counted.
 */
export function parseNvidiaSmiCsv(body: string, source: string, timeMs: number): Scrape {
  const scrape = newScrape(source, timeMs);
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return scrape;
  let columns: readonly string[] = QUERY_FIELDS;
  if (/(^|,)\s*uuid(\s|,|$)/.test(lines[0]) || /(^|,)\s*index(\s|,|$)/.test(lines[0])) {
    columns = splitRow(lines.shift() ?? "").map((h) => h.replace(/\s*\[.*\]$/, ""));
  }
  const at = (name: string) => columns.indexOf(name);
  for (const line of lines) {
    const cells = splitRow(line);
    const cell = (name: string) => (at(name) < 0 ? undefined : cells[at(name)]);
    const rawUuid = cell("uuid");
    if (rawUuid === undefined || !/^(GPU-)?[0-9a-f-]{36}$/i.test(rawUuid)) {
      scrape.discarded++;
      continue;
    }
    const gpu: GpuSample = { uuid: normalizeGpuUuid(rawUuid) };
    const index = numberOf(cell("index"), scrape);
    if (index !== undefined && Number.isInteger(index)) gpu.index = index;
    const name = cell("name");
    if (name !== undefined && !isMarker(name)) gpu.model = name;
    const power = usable(numberOf(cell("power.draw"), scrape), scrape);
    if (power !== undefined) gpu.powerW = power;
    const limit = usable(numberOf(cell("power.limit"), scrape), scrape);
    if (limit !== undefined) gpu.powerLimitW = limit;
    const util = usable(numberOf(cell("utilization.gpu"), scrape), scrape, { below: 100.000001 });
    if (util !== undefined) gpu.utilizationPct = util;
    scrape.gpus.push(gpu);
  }
  scrape.gpus.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return scrape;
}

/** Splits a CSV row. nvidia-smi never quotes, and no queried field contains a comma. */
function splitRow(line: string): string[] {
  return line.split(",").map((c) => c.trim());
}

function isMarker(text: string): boolean {
  return text.startsWith("[") || text === "N/A" || text === "";
}

function numberOf(text: string | undefined, scrape: Scrape): number | undefined {
  if (text === undefined) return undefined;
  const bare = text.replace(UNIT, "");
  if (NUMERIC.test(bare)) return Number(bare);
  scrape.discarded++;
  return undefined;
}
