/**
 * What the ingest keeps in memory about the stored rows: the label tuples of the three split
 * tables (dims.ts) and the dedupe's high-water marks (marks.ts), loaded together on first use
 * and dropped together by `invalidate` after a write that bypassed ingest (the marks are
 * keyed by label projection ids, so one cannot be reloaded without the other).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { NATURAL_KEY } from "../../../kernel/src/usage-line.js";
import { appendColumns, type Column, type Driver, withAppender } from "./chunk-writer.js";
import { DimTable } from "./dims.js";
import { type Marks, raiseAll, raiseMark } from "./marks.js";
import { LINES, READINGS, ROLLUP_KEY, ROLLUP_LABELS, TOKENS } from "./schema.js";

/** Line label projections: agent × GPU (marks), natural key but time (dedupe), rollup cell. */
export const LINE_GPU = 0;
export const LINE_SERIES = 1;
export const LINE_ROLLUP = 2;
/** Reading label projection: agent × GPU (marks and the reading's natural key). */
export const READING_GPU = 0;

function newTables() {
  return {
    lines: new DimTable(LINES, [
      ["x_AgentId", "ResourceId"],
      NATURAL_KEY.filter((k) => k !== "ChargePeriodStart"),
      ROLLUP_KEY.filter((k) => k !== "hour").map((k) => ROLLUP_LABELS[k]),
    ]),
    readings: new DimTable(READINGS, [["agent_id", "gpu_uuid"]]),
    tokens: new DimTable(TOKENS),
  };
}

export class Catalog {
  private tables = newTables();
  private marks: { lines: Marks; readings: Marks } | undefined;

  get lines(): DimTable {
    return this.tables.lines;
  }
  get readings(): DimTable {
    return this.tables.readings;
  }
  get tokens(): DimTable {
    return this.tables.tokens;
  }

  /** Forget everything: re-read before the next ingest. */
  invalidate(): void {
    this.tables = newTables();
    this.marks = undefined;
  }

  /** Loads labels and marks if not loaded (a scan of ids and times, grouped by id). */
  async ensure(c: DuckDBConnection): Promise<{ lines: Marks; readings: Marks }> {
    if (this.marks !== undefined) return this.marks;
    const t = this.tables;
    for (const d of [t.lines, t.readings, t.tokens]) await d.load(c);
    const read = async (sql: string, table: DimTable, projection: number): Promise<Marks> => {
      const marks: Marks = new Map();
      for (const [id, us] of (await c.runAndReadAll(sql)).getRowsJS()) {
        raiseMark(marks, table.project(projection, Number(id)), Number(us));
      }
      return marks;
    };
    this.marks = {
      lines: await read(
        `SELECT dim_id, epoch_us(max("ChargePeriodStart")) FROM ${LINES.facts} GROUP BY ALL`,
        t.lines,
        LINE_GPU,
      ),
      readings: await read(
        `SELECT rdim_id, epoch_us(max(window_start)) FROM ${READINGS.facts} GROUP BY ALL`,
        t.readings,
        READING_GPU,
      ),
    };
    return this.marks;
  }

  /** Appends the new label tuples to their tables, in the caller's transaction (once). */
  async writePending(driver: Driver, c: DuckDBConnection): Promise<void> {
    for (const d of [this.lines, this.readings, this.tokens]) {
      const { ids, labels } = d.pending();
      if (ids.length === 0) continue;
      const columns: Column[] = [
        { type: "INTEGER", values: ids },
        ...labels.map((values): Column => ({ type: "VARCHAR", values })),
      ];
      await withAppender(c, d.table.dims, (a) => appendColumns(driver, a, columns, ids.length));
    }
  }

  /** The transaction committed: keep the new tuples and raise the marks. */
  commit(lines: Marks, readings: Marks): void {
    for (const d of [this.lines, this.readings, this.tokens]) d.commit();
    if (this.marks !== undefined) {
      raiseAll(this.marks.lines, lines);
      raiseAll(this.marks.readings, readings);
    }
  }

  rollback(): void {
    for (const d of [this.lines, this.readings, this.tokens]) d.rollback();
  }
}
