/**
 * The hourly rollup delta of one commit, summed in JS from exactly the lines the commit
 * inserts (after dedupe), then appended to rollup_cells as a handful of rows. Each line is inserted once,
 * so the additive rollup stays equal to a recompute from usage_lines however late a line
 * arrives (the store tests check this). Summing here avoids re-reading the inserted rows.
 */
import type { Column } from "./chunk-writer.js";
import { LINE_COLUMNS, ROLLUP_KEY, ROLLUP_MEASURES } from "./schema.js";
import { type Columnar, numeric } from "./to-columns.js";

const HOUR_US = 3_600_000_000;
const MEASURES = ROLLUP_MEASURES.map(([, line]) => LINE_COLUMNS.findIndex((c) => c.name === line));

interface Cell {
  hourUs: number;
  group: number;
  lines: number;
  sums: Float64Array;
}

/**
 * The delta by rollup cell: `group` is a line's rollup label id (catalog.ts LINE_ROLLUP),
 * whose labels `labelsOf` gives, so rows are summed by integer keys.
 */
export class RollupDelta {
  private readonly cells = new Map<number, Map<number, Cell>>();
  private count = 0;
  /** The earliest hour of any cell, epoch µs. */
  minHourUs = Number.POSITIVE_INFINITY;

  constructor(private readonly labelsOf: (group: number) => readonly string[]) {}

  /** Adds the rows of `lines` whose `keep` flag is 1; `group[r]` is row r's rollup id. */
  add(lines: Columnar, keep: Uint8Array, group: Int32Array): void {
    const measures = MEASURES.map((i) => numeric(lines, i).values as Float64Array);
    for (let r = 0; r < lines.rowCount; r++) {
      if (keep[r] === 0) continue;
      const hourUs = Math.floor(lines.timeUs[r] / HOUR_US) * HOUR_US;
      let hours = this.cells.get(group[r]);
      if (hours === undefined) {
        hours = new Map();
        this.cells.set(group[r], hours);
      }
      let cell = hours.get(hourUs);
      if (cell === undefined) {
        cell = { hourUs, group: group[r], lines: 0, sums: new Float64Array(MEASURES.length) };
        hours.set(hourUs, cell);
        this.count++;
        if (hourUs < this.minHourUs) this.minHourUs = hourUs;
      }
      cell.lines++;
      for (let m = 0; m < measures.length; m++) cell.sums[m] += measures[m][r];
    }
  }

  get size(): number {
    return this.count;
  }

  /** The delta in rollup_cells column order. */
  columns(): Column[] {
    const cells = [...this.cells.values()].flatMap((hours) => [...hours.values()]);
    const n = cells.length;
    const hour = new Float64Array(n);
    const lines = new Float64Array(n);
    const dims = ROLLUP_KEY.slice(1).map(() => new Array<string>(n));
    const sums = MEASURES.map(() => new Float64Array(n));
    cells.forEach((c, i) => {
      hour[i] = c.hourUs;
      lines[i] = c.lines;
      const labels = this.labelsOf(c.group);
      for (let d = 0; d < dims.length; d++) dims[d][i] = labels[d];
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
