/**
 * The hourly rollup delta of one commit, summed in JS from exactly the lines the commit
 * inserts (after dedupe), then upserted as a handful of rows. Each line is inserted once,
 * so the additive rollup stays equal to a recompute from usage_lines however late a line
 * arrives (the store tests check this). Summing here avoids re-reading the inserted rows.
 */
import type { Column } from "./chunk-writer.js";
import { sqlIdent } from "./driver.js";
import { LINE_COLUMNS, ROLLUP_KEY, ROLLUP_MEASURES } from "./schema.js";
import type { Columnar } from "./to-columns.js";

const HOUR_US = 3_600_000_000;
const at = (name: string): number => LINE_COLUMNS.findIndex((c) => c.name === name);

/** Line column of each rollup dimension after `hour`, in ROLLUP_KEY order. */
const DIMENSION_LINE_COLUMN: Record<Exclude<(typeof ROLLUP_KEY)[number], "hour">, number> = {
  metro: at("RegionId"),
  hall: at("AvailabilityZone"),
  rack: at("x_Rack"),
  lane: at("x_Lane"),
  workload: at("x_Workload"),
  model: at("x_Model"),
  gpu_model: at("x_GpuModel"),
  tenant: at("SubAccountId"),
  currency: at("BillingCurrency"),
  price_version: at("x_PriceVersion"),
};
const DIMENSIONS = ROLLUP_KEY.filter((k) => k !== "hour").map((k) => DIMENSION_LINE_COLUMN[k]);
const MEASURES = ROLLUP_MEASURES.map(([, line]) => at(line));

interface Cell {
  hourUs: number;
  dims: string[];
  lines: number;
  sums: Float64Array;
}

export class RollupDelta {
  private readonly cells = new Map<string, Cell>();

  /** Adds the rows of `lines` whose `keep` flag is 1. */
  add(lines: Columnar, keep: Uint8Array): void {
    const dims = DIMENSIONS.map((i) => lines.columns[i].values as string[]);
    const measures = MEASURES.map((i) => lines.columns[i].values as Float64Array);
    for (let r = 0; r < lines.rowCount; r++) {
      if (keep[r] === 0) continue;
      const hourUs = Math.floor(lines.timeUs[r] / HOUR_US) * HOUR_US;
      let key = String(hourUs);
      for (const d of dims) key += `\0${d[r]}`;
      let cell = this.cells.get(key);
      if (cell === undefined) {
        cell = {
          hourUs,
          dims: dims.map((d) => d[r]),
          lines: 0,
          sums: new Float64Array(MEASURES.length),
        };
        this.cells.set(key, cell);
      }
      cell.lines++;
      for (let m = 0; m < measures.length; m++) cell.sums[m] += measures[m][r];
    }
  }

  get size(): number {
    return this.cells.size;
  }

  /** The delta in stage_rollup column order (rollup_hourly's). */
  columns(): Column[] {
    const cells = [...this.cells.values()];
    const n = cells.length;
    const hour = new Float64Array(n);
    const lines = new Float64Array(n);
    const dims = DIMENSIONS.map(() => new Array<string>(n));
    const sums = MEASURES.map(() => new Float64Array(n));
    cells.forEach((c, i) => {
      hour[i] = c.hourUs;
      lines[i] = c.lines;
      for (let d = 0; d < dims.length; d++) dims[d][i] = c.dims[d];
      for (let m = 0; m < sums.length; m++) sums[m][i] = c.sums[m];
    });
    return [
      { type: "TIMESTAMP", values: hour },
      ...dims.map((values): Column => ({ type: "VARCHAR", values })),
      { type: "BIGINT", values: lines },
      ...sums.map((values): Column => ({ type: "DOUBLE", values })),
    ];
  }
}

/** Adds stage_rollup to rollup_hourly. */
export const MERGE_ROLLUP = `INSERT INTO rollup_hourly SELECT * FROM stage_rollup
ON CONFLICT DO UPDATE SET lines = lines + EXCLUDED.lines,
  ${ROLLUP_MEASURES.map(([c]) => `${sqlIdent(c)} = ${sqlIdent(c)} + EXCLUDED.${sqlIdent(c)}`).join(",\n  ")}`;
