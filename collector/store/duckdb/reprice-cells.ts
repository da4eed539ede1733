/**
 * Per-line bookkeeping of a re-priced chunk, in typed arrays: each line's label combination
 * (reading labels × token labels × kind, a few per GPU) and the rollup cells (hour × label
 * combination) the lines sum into. A chunk has about a million lines and a few thousand
 * combinations, so the lookups are direct array indexing rather than a hash map.
 */
import type { RepricedLines } from "../types.js";

/** Above this many (reading label × token label × kind) slots the lookup is a Map. */
const DENSE_SLOTS = 1 << 22;

export interface LabelCombos {
  /** Per line, its combination's index. */
  combo: Int32Array;
  /** Per combination: reading label id, token label id (-1 for an idle line), kind. */
  rdim: Int32Array;
  tdim: Int32Array;
  kind: Int32Array;
}

function maxOf(ids: Int32Array, what: string): number {
  let max = -1;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0) throw new Error(`negative ${what} label id ${id}`);
    if (id > max) max = id;
  }
  return max;
}

/**
 * The label combination of each line: reading `rdimOf[reading]`, token row
 * `tdimOf[source]` for a usage line (kind 0) and none for an idle line (kind 1).
 */
export function labelCombos(
  lines: Pick<RepricedLines, "count" | "reading" | "source" | "kind">,
  rdimOf: Int32Array,
  tdimOf: Int32Array,
): LabelCombos {
  const n = lines.count;
  // key = rdim × width + (tdim + 1) × 2 + kind: exact while rdim < 2^31 and tdim < 2^21.
  const width = 2 * (maxOf(tdimOf, "token") + 2);
  const slots = (maxOf(rdimOf, "reading") + 1) * width;
  const dense = slots <= DENSE_SLOTS ? new Int32Array(slots).fill(-1) : undefined;
  const sparse = dense === undefined ? new Map<number, number>() : undefined;
  const combo = new Int32Array(n);
  const rdim: number[] = [];
  const tdim: number[] = [];
  const kind: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = lines.kind[i];
    const r = rdimOf[lines.reading[i]];
    const t = k === 0 ? tdimOf[lines.source[i]] : -1;
    const key = r * width + (t + 1) * 2 + k;
    let c = dense !== undefined ? dense[key] : (sparse?.get(key) ?? -1);
    if (c < 0) {
      c = rdim.length;
      if (dense !== undefined) dense[key] = c;
      else sparse?.set(key, c);
      rdim.push(r);
      tdim.push(t);
      kind.push(k);
    }
    combo[i] = c;
  }
  return {
    combo,
    rdim: Int32Array.from(rdim),
    tdim: Int32Array.from(tdim),
    kind: Int32Array.from(kind),
  };
}

export const HOUR_US = 3_600_000_000;

export interface RollupCells {
  count: number;
  /** Per cell: hour start (epoch µs), label combination, lines, then one sum per measure. */
  hourUs: Float64Array;
  combo: Int32Array;
  lines: Float64Array;
  sums: Float64Array[];
}

/**
 * The lines summed by hour × combination. Lines arrive in window order, so a cell is looked
 * up among the current hour's only; should an hour recur after another, its lines start new
 * cells, which the rollup sums like any other (cells are added up when read and compacted).
 */
export function rollupCells(
  startUs: Float64Array,
  combo: Int32Array,
  combos: number,
  measures: readonly Float64Array[],
): RollupCells {
  const n = startUs.length;
  const cellOfLine = new Int32Array(n);
  const cellOfCombo = new Int32Array(combos);
  const stamp = new Int32Array(combos).fill(-1);
  const hours: number[] = [];
  const combosOf: number[] = [];
  let run = -1;
  let hour = Number.NaN;
  for (let i = 0; i < n; i++) {
    const h = Math.floor(startUs[i] / HOUR_US);
    if (h !== hour) {
      hour = h;
      run++;
    }
    const k = combo[i];
    if (stamp[k] !== run) {
      stamp[k] = run;
      cellOfCombo[k] = hours.length;
      hours.push(h * HOUR_US);
      combosOf.push(k);
    }
    cellOfLine[i] = cellOfCombo[k];
  }
  const count = hours.length;
  const lines = new Float64Array(count);
  for (let i = 0; i < n; i++) lines[cellOfLine[i]]++;
  const sums = measures.map((m) => {
    const sum = new Float64Array(count);
    for (let i = 0; i < n; i++) sum[cellOfLine[i]] += m[i];
    return sum;
  });
  return {
    count,
    hourUs: Float64Array.from(hours),
    combo: Int32Array.from(combosOf),
    lines,
    sums,
  };
}
