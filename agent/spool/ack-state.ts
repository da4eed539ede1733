/**
 * Persisted acknowledgements (`acks.json` in the spool dir). After a crash at most the acks
 * since the last flush are lost, so resends are bounded by one flush interval.
 */
import { join } from "node:path";
import type { SpoolFs } from "./fs.js";

export const ACK_FILE = "acks.json";

export interface AckState {
  /** Every seq ≤ this is acknowledged (−1: none). */
  ackedThrough: number;
  /** Acknowledged seqs above ackedThrough (acks may arrive out of order). */
  above: number[];
  /** The next seq to assign: never reused even after every segment is deleted. */
  nextSeq: number;
}

export async function loadAckState(fs: SpoolFs, dir: string): Promise<AckState> {
  const empty: AckState = { ackedThrough: -1, above: [], nextSeq: 0 };
  let text: string;
  try {
    text = (await fs.readFile(join(dir, ACK_FILE))).toString("utf8");
  } catch {
    return empty;
  }
  try {
    const v = JSON.parse(text) as Partial<AckState>;
    const ok = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= -1;
    if (!ok(v.ackedThrough) || !ok(v.nextSeq) || !Array.isArray(v.above) || !v.above.every(ok)) {
      return empty;
    }
    return { ackedThrough: v.ackedThrough, above: v.above, nextSeq: v.nextSeq };
  } catch {
    // A damaged ack file only costs resends: the collector dedupes.
    return empty;
  }
}

export function saveAckState(fs: SpoolFs, dir: string, state: AckState): Promise<void> {
  return fs.writeFileAtomic(join(dir, ACK_FILE), Buffer.from(JSON.stringify(state)));
}
