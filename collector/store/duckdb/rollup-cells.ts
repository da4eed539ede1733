/**
 * Compaction of rollup_cells. Each commit appends its rollup delta (one row per touched
 * cell), so a cell accrues one row per commit that touched it; rollup_hourly sums them at
 * read time. Now and then (and on shutdown) the rows of the hours touched since the last
 * compaction are replaced by their sums, in one transaction, so the table stays about one
 * row per cell and reads stay cheap. Sums are unchanged by compaction.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { ROLLUP_KEY, ROLLUP_SUM } from "./schema.js";

/** Delta rows appended before a compaction is due. */
const COMPACT_AFTER_ROWS = 100_000;

export class RollupCompactor {
  private rows = 0;
  private fromUs = Number.POSITIVE_INFINITY;

  /** A commit appended `rows` delta rows, the earliest for hour `minHourUs`. */
  note(rows: number, minHourUs: number): void {
    this.rows += rows;
    if (minHourUs < this.fromUs) this.fromUs = minHourUs;
  }

  get due(): boolean {
    return this.rows >= COMPACT_AFTER_ROWS;
  }

  /** Compacts the hours touched since the last compaction (nothing when none were). */
  async compact(c: DuckDBConnection): Promise<void> {
    if (this.rows === 0) return;
    const from = `make_timestamp(${this.fromUs})`;
    await c.run("BEGIN TRANSACTION");
    try {
      await c.run(`CREATE OR REPLACE TEMP TABLE rollup_compact AS ${ROLLUP_SUM}
WHERE hour >= ${from} GROUP BY ${ROLLUP_KEY.join(", ")}`);
      await c.run(`DELETE FROM rollup_cells WHERE hour >= ${from}`);
      await c.run("INSERT INTO rollup_cells SELECT * FROM rollup_compact");
      await c.run("DROP TABLE rollup_compact");
      await c.run("COMMIT");
    } catch (error) {
      await c.run("ROLLBACK").catch(() => undefined);
      throw error;
    }
    this.rows = 0;
    this.fromUs = Number.POSITIVE_INFINITY;
  }
}
