/**
 * The SQL of ingest: the dedupe against stored rows (ingest.ts dedupes within a commit in
 * JS), and the rollup recomputed from the lines, for checks. Ingest sums its rollup delta in
 * JS (rollup.ts).
 */
import { sqlIdent } from "./driver.js";
import { LINE_KEY, READING_KEY, ROLLUP_KEY, ROLLUP_LABELS, ROLLUP_MEASURES } from "./schema.js";

/**
 * Staged keys already stored: `(0, ord)` per line, `(1, ord)` per reading. Only stored rows
 * whose time lies in the commit's range (`lo`..`hi`, TIMESTAMP literals) are read, so
 * DuckDB's zone maps skip every row group outside the commit's time span: the cost follows
 * the commit, not the table, and no in-memory ART index over billions of keys is needed (a
 * primary key + ON CONFLICT measured slower, bench/collector/ingest-dedupe.ts). The
 * comparison is on the full natural key, so the dedupe is exact.
 */
export function storedDuplicatesSql(lines: [string, string], readings: [string, string]): string {
  const eq = (key: readonly string[], a: string, b: string) =>
    key.map((k) => `${a}.${sqlIdent(k)} = ${b}.${sqlIdent(k)}`).join(" AND ");
  return `SELECT 0 AS kind, s.ord FROM stage_line_keys s WHERE EXISTS (
  SELECT 1 FROM usage_lines u
  WHERE u."ChargePeriodStart" BETWEEN ${lines[0]} AND ${lines[1]} AND ${eq(LINE_KEY, "u", "s")})
UNION ALL
SELECT 1 AS kind, s.ord FROM stage_reading_keys s WHERE EXISTS (
  SELECT 1 FROM gpu_readings r
  WHERE r.window_start BETWEEN ${readings[0]} AND ${readings[1]} AND ${eq(READING_KEY, "r", "s")})`;
}

/** Epoch seconds → a TIMESTAMP literal (µs precision, time-zone independent). */
export function timestampLiteral(epochS: number): string {
  return `make_timestamp(${Math.round(epochS * 1e6)})`;
}

/** Rollup dimension column ← usage-line expression, in ROLLUP_KEY order. */
const ROLLUP_SOURCE: Record<(typeof ROLLUP_KEY)[number], string> = {
  hour: `date_trunc('hour', "ChargePeriodStart")`,
  ...(Object.fromEntries(
    Object.entries(ROLLUP_LABELS).map(([k, column]) => [k, sqlIdent(column)]),
  ) as Record<keyof typeof ROLLUP_LABELS, string>),
};

/** The rollup recomputed from scratch, for checks: must equal rollup_hourly. */
export const ROLLUP_RECOMPUTE = `SELECT ${ROLLUP_KEY.map((k) => `${ROLLUP_SOURCE[k]} AS ${k}`).join(", ")},
  count(*) AS lines,
  ${ROLLUP_MEASURES.map(([c, line]) => `sum(${sqlIdent(line)}) AS ${c}`).join(", ")}
FROM usage_lines GROUP BY ALL`;
