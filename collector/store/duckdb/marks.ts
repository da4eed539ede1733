/**
 * Per-agent high-water marks: the latest line time and the latest reading window each agent
 * has stored. A natural key starts with the agent id, so a row of agent A newer than A's
 * mark cannot match any stored row, and needs no look-up; only rows at or below it (retries,
 * late or overlapping data) are checked against the database. Agents send windows in time
 * order, so in steady state nothing is looked up and dedupe cost follows the batch, not the
 * table. Exact by construction: marks are maxima read from the tables themselves, raised only
 * after a commit succeeds, and reloaded after any write that bypasses ingest (`invalidate`).
 */
import type { DuckDBConnection } from "@duckdb/node-api";

export type Marks = Map<string, number>;

export class HighWaterMarks {
  /** Epoch µs per agent; undefined until loaded. */
  private lines: Marks | undefined;
  private readings: Marks | undefined;

  invalidate(): void {
    this.lines = undefined;
    this.readings = undefined;
  }

  /** The marks, read from the tables when not loaded (a scan of two columns per table). */
  async get(c: DuckDBConnection): Promise<{ lines: Marks; readings: Marks }> {
    if (this.lines === undefined || this.readings === undefined) {
      const read = async (sql: string): Promise<Marks> =>
        new Map(
          (await c.runAndReadAll(sql))
            .getRowsJS()
            .map((r) => [String(r[0]), Number(r[1])] as [string, number]),
        );
      this.lines = await read(
        `SELECT "x_AgentId", epoch_us(max("ChargePeriodStart")) FROM usage_lines GROUP BY ALL`,
      );
      this.readings = await read(
        "SELECT agent_id, epoch_us(max(window_start)) FROM gpu_readings GROUP BY ALL",
      );
    }
    return { lines: this.lines, readings: this.readings };
  }

  /** Raises marks to the committed rows' times (call only after COMMIT succeeded). */
  raise(lines: Marks, readings: Marks): void {
    for (const [target, next] of [
      [this.lines, lines],
      [this.readings, readings],
    ] as const) {
      if (target === undefined) continue;
      for (const [agent, us] of next) if (us > (target.get(agent) ?? -Infinity)) target.set(agent, us);
    }
  }
}
