/**
 * Wire size of realistic usage lines (bench/wire/realistic-batch.ts) by batch size: bytes per
 * line with readings included, without readings, uncompressed, and as NDJSON. Prints a table
 * and one JSON line. Run: `npx vite-node bench/wire/size.ts` (or node on dist/).
 */
import { encodeBatch } from "../../wire/batch-codec.js";
import { realisticBatch } from "./realistic-batch.js";

const meta = {
  agentId: "fra2-r12-h03",
  bootId: "b",
  sequence: 1,
  createdUnixMs: 1_767_225_600_000,
};
const rows: Record<string, number>[] = [];
for (const windows of [1, 5, 10, 60, 208]) {
  const { lines, readings } = realisticBatch(windows);
  const size = (r: ReturnType<typeof encodeBatch>) => {
    if (!r.ok) throw r.error;
    return r.value.length / lines.length;
  };
  rows.push({
    windows,
    lines: lines.length,
    bytesPerLine: size(encodeBatch(lines, readings, meta)),
    noReadings: size(encodeBatch(lines, [], meta)),
    uncompressed: size(encodeBatch(lines, readings, meta, { compress: false })),
    ndjson: Buffer.byteLength(lines.map((l) => JSON.stringify(l)).join("\n")) / lines.length,
  });
}
console.table(
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(1))]))),
);
console.log(JSON.stringify({ bench: "wire-size", rows }));
