/**
 * High-water marks per agent × GPU: the latest line time and the latest reading window
 * stored for each. Both natural keys contain the agent id and the GPU, so a row newer than
 * its agent × GPU mark cannot match any stored row and needs no look-up; only rows at or
 * below it (retries, late or overlapping data) are checked against the database. Agents
 * send each GPU's windows in time order, so in steady state nothing is looked up and the
 * dedupe cost follows the batch, not the table. Exact by construction: marks are maxima read
 * from the tables themselves, raised only after a commit succeeds, and re-read after any
 * write that bypasses ingest (`invalidate`).
 */
import type { DuckDBConnection } from "@duckdb/node-api";

/** Agent → GPU → epoch µs. */
export type Marks = Map<string, Map<string, number>>;

export function markOf(marks: Marks, agent: string, gpu: string): number {
  return marks.get(agent)?.get(gpu) ?? Number.NEGATIVE_INFINITY;
}

/** Raises `marks` at agent × GPU to `us`. */
export function raiseMark(marks: Marks, agent: string, gpu: string, us: number): void {
  let gpus = marks.get(agent);
  if (gpus === undefined) {
    gpus = new Map();
    marks.set(agent, gpus);
  }
  if (us > (gpus.get(gpu) ?? Number.NEGATIVE_INFINITY)) gpus.set(gpu, us);
}

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
      const read = async (sql: string): Promise<Marks> => {
        const marks: Marks = new Map();
        for (const r of (await c.runAndReadAll(sql)).getRowsJS()) {
          raiseMark(marks, String(r[0]), String(r[1]), Number(r[2]));
        }
        return marks;
      };
      this.lines = await read(
        `SELECT "x_AgentId", "ResourceId", epoch_us(max("ChargePeriodStart")) FROM usage_lines GROUP BY ALL`,
      );
      this.readings = await read(
        "SELECT agent_id, gpu_uuid, epoch_us(max(window_start)) FROM gpu_readings GROUP BY ALL",
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
      for (const [agent, gpus] of next) {
        for (const [gpu, us] of gpus) raiseMark(target, agent, gpu, us);
      }
    }
  }
}
