/**
 * High-water marks per agent × GPU: the latest line time and the latest reading window
 * stored for each. Both natural keys contain the agent id and the GPU, so a row newer than
 * its agent × GPU mark cannot match any stored row and needs no look-up; only rows at or
 * below it (retries, late or overlapping data) are checked against the database. Agents
 * send each GPU's windows in time order, so in steady state nothing is looked up and the
 * dedupe cost follows the batch, not the table. Exact by construction: marks are maxima read
 * from the tables themselves, raised only after a commit succeeds, and re-read after any
 * write that bypasses ingest (catalog.ts). Keys are agent × GPU projection ids (dims.ts).
 */

/** Agent × GPU id → epoch µs. */
export type Marks = Map<number, number>;

export function markOf(marks: Marks, gpu: number): number {
  return marks.get(gpu) ?? Number.NEGATIVE_INFINITY;
}

/** Raises `marks` at `gpu` to `us`. */
export function raiseMark(marks: Marks, gpu: number, us: number): void {
  if (us > (marks.get(gpu) ?? Number.NEGATIVE_INFINITY)) marks.set(gpu, us);
}

/** Raises `target` to every mark of `next`. */
export function raiseAll(target: Marks, next: Marks): void {
  for (const [gpu, us] of next) raiseMark(target, gpu, us);
}
