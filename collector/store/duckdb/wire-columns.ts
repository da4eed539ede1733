/**
 * The wire decoder's line columns (IngestColumnsBatch) → the store's Columnar, without row
 * objects: the collector's fast path. Yields what linesToColumns (to-columns.ts) yields for
 * the same lines (same columns, epoch-µs times), so batches of either path dedupe against
 * each other in one commit.
 */
import type { LineColumnData } from "../../../wire/line-columns.js";
import { StoreError } from "../errors.js";
import type { Column } from "./chunk-writer.js";
import { tuplesOf } from "./label-tuples.js";
import { LINE_COLUMNS, LINES } from "./schema.js";
import type { Columnar } from "./to-columns.js";

type Source =
  | { kind: "text"; values: readonly string[] }
  | { kind: "number"; values: Float64Array };

function bad(message: string, row: number, field: string): StoreError {
  return new StoreError("TW_ERR_STORE_BATCH", `${message} (row ${row}, ${field})`);
}

function source(lines: LineColumnData, name: string): Source | undefined {
  const text = (lines.text as Record<string, readonly string[]>)[name];
  if (text !== undefined) return { kind: "text", values: text };
  const num = (lines.numbers as Record<string, Float64Array>)[name];
  return num === undefined ? undefined : { kind: "number", values: num };
}

export function wireLinesToColumns(
  lines: LineColumnData,
  keep: Uint8Array,
  kept: number,
): Columnar {
  const n = lines.count;
  if (keep.length !== n) throw bad("keep flags do not match the rows", 0, "keep");
  const rows = new Int32Array(kept);
  let k = 0;
  for (let r = 0; r < n; r++) if (keep[r] === 1) rows[k++] = r;
  if (k !== kept) throw bad(`keep flags ${k} rows, not ${kept}`, 0, "keep");
  const all = kept === n;
  const columns = LINE_COLUMNS.map(({ name, type }): Column | undefined => {
    if (type === "VARCHAR") return undefined;
    if (type === "TIMESTAMP") {
      const out = new Float64Array(kept);
      const end = name === "ChargePeriodEnd";
      for (let i = 0; i < kept; i++) {
        const r = rows[i];
        const s = lines.startS[r] + (end ? lines.lengthS[r] : 0);
        if (!Number.isSafeInteger(s)) throw bad("time is not whole epoch seconds", r, name);
        out[i] = s * 1e6;
      }
      return { type, values: out };
    }
    const src = source(lines, name);
    if (src?.kind !== "number") throw bad("number column is missing", 0, name);
    // With every row kept the decoder's arrays are used as they are (nothing writes them).
    const out = all ? src.values : new Float64Array(kept);
    for (let i = 0; i < kept; i++) {
      const v = src.values[rows[i]];
      if (!Number.isFinite(v)) throw bad("number is missing or not finite", rows[i], name);
      out[i] = v;
    }
    return { type: type as "DOUBLE", values: out };
  });
  const text = LINES.layout.labels.map((at) => {
    const name = LINE_COLUMNS[at].name;
    const src = source(lines, name);
    // A string the wire does not carry (x_Model) is stored as "".
    if (src === undefined) return new Array<string>(n).fill("");
    if (src.kind !== "text") throw bad("value is not a string", 0, name);
    return src.values;
  });
  return {
    columns,
    labels: tuplesOf(text, kept, all ? undefined : rows),
    rowCount: kept,
    timeUs: (columns[0] as Column).values as Float64Array,
  };
}
