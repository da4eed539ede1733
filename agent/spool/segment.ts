/** Segment files and their recovery on open. */
import { join } from "node:path";
import { scanFrames } from "./frame.js";
import type { SpoolFile, SpoolFs } from "./fs.js";
import type { SpoolLog } from "./spool-log.js";

/** `NNNNNNNNNNNNNNNNNNNN.seg`: the seq of the segment's first batch, 20 digits. */
export const SEGMENT_NAME = /^(\d{20})\.seg$/;

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, "0")}.seg`;
}

/** One segment's index: parallel arrays, one entry per batch, seqs increasing. */
export interface Segment {
  name: string;
  path: string;
  seqs: number[];
  offsets: number[];
  lengths: number[];
  acked: boolean[];
  unacked: number;
  bytes: number;
  /** Open read-write while this is the active (last) segment. */
  file: SpoolFile | undefined;
}

export function newSegment(dir: string, firstSeq: number, file: SpoolFile): Segment {
  const name = segmentName(firstSeq);
  return {
    name,
    path: join(dir, name),
    seqs: [],
    offsets: [],
    lengths: [],
    acked: [],
    unacked: 0,
    bytes: 0,
    file,
  };
}

export interface RecoverContext {
  fs: SpoolFs;
  dir: string;
  log: SpoolLog;
  isAcked: (seq: number) => boolean;
}

/**
 * Reads every segment in order, truncates torn or corrupt tails, skips (and counts) frames
 * whose CRC fails, and indexes the rest. Files stay closed except the last segment's.
 */
export async function recoverSegments(ctx: RecoverContext): Promise<Segment[]> {
  const { fs, dir, log } = ctx;
  const counters = log.counters;
  const names = (await fs.readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
  const segments: Segment[] = [];
  let lastSeq = -1;
  for (const name of names) {
    const path = join(dir, name);
    const file = await fs.open(path, "append");
    const size = await file.size();
    const buf = Buffer.allocUnsafe(size);
    const read = size === 0 ? 0 : await file.read(buf, 0);
    const scan = scanFrames(buf.subarray(0, read));
    const seg: Segment = {
      name,
      path,
      seqs: [],
      offsets: [],
      lengths: [],
      acked: [],
      unacked: 0,
      bytes: 0,
      file,
    };
    let corrupt = scan.crcMismatches;
    let corruptBytes = scan.skippedBytes;
    for (const f of scan.frames) {
      if (f.seq <= lastSeq) {
        // Out of order: a damaged frame whose CRC happened to pass, or a copied file.
        corrupt++;
        corruptBytes += f.length;
        continue;
      }
      lastSeq = f.seq;
      const acked = ctx.isAcked(f.seq);
      seg.seqs.push(f.seq);
      seg.offsets.push(f.offset);
      seg.lengths.push(f.length);
      seg.acked.push(acked);
      if (!acked) seg.unacked++;
    }
    if (corrupt > 0 || corruptBytes > 0) {
      counters.corruptFrames += corrupt;
      counters.corruptBytes += corruptBytes;
      log.emit({ type: "corrupt", segment: name, frames: corrupt, bytes: corruptBytes });
      log.error(
        { segment: path, frames: corrupt, bytes: corruptBytes },
        "spool: skipped corrupt frames",
      );
    }
    if (scan.validEnd < size) {
      const torn = size - scan.validEnd;
      await file.truncate(scan.validEnd);
      await file.datasync();
      counters.tornTailBytes += torn;
      log.emit({ type: "torn_tail", segment: name, bytes: torn });
      log.warn({ segment: path, bytes: torn }, "spool: truncated a torn tail");
    }
    seg.bytes = scan.validEnd;
    const prev = segments.at(-1);
    if (prev?.file) {
      await prev.file.close();
      prev.file = undefined;
    }
    segments.push(seg);
  }
  return segments;
}
