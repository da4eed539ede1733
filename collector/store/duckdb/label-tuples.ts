/**
 * A batch's label columns as distinct tuples plus one tuple index per row. Labels repeat on
 * every window, so a 5,000-line batch holds a few dozen tuples: the commit looks up each
 * tuple's id once instead of once per row, and a prepared batch crosses threads as typed
 * arrays and a few short string lists instead of a string per row and column.
 */

export interface LabelTuples {
  /** Per label column, the label of each distinct tuple (first-occurrence order). */
  values: string[][];
  /** Distinct tuples. */
  count: number;
  /** Per row, the index of its tuple. */
  of: Int32Array;
}

/**
 * A label tuple's key: each label coded per column (a map hit on a string whose hash V8
 * caches; the wire decoder hands out one string object per distinct value of a batch), the
 * codes packed into a short string — cheaper to build and hash than the joined labels.
 * Codes only grow: a key stays valid for the life of the instance.
 */
export class TupleKeys {
  private readonly codes: Map<string, number>[];
  /** Packed codes, reused per row (two UTF-16 units per code). */
  private readonly packed: number[];

  constructor(columns: number) {
    this.codes = Array.from({ length: columns }, () => new Map<string, number>());
    this.packed = new Array<number>(2 * columns);
  }

  key(columns: readonly (readonly string[])[], row: number): string {
    const packed = this.packed;
    for (let c = 0; c < this.codes.length; c++) {
      const map = this.codes[c];
      const text = columns[c][row];
      let code = map.get(text);
      if (code === undefined) {
        code = map.size;
        map.set(text, code);
      }
      packed[2 * c] = code & 0xffff;
      packed[2 * c + 1] = code >>> 16;
    }
    return String.fromCharCode.apply(null, packed);
  }
}

/**
 * The tuples of `n` rows of `columns`; row `i` is source row `rows[i]` when `rows` is given
 * (kept rows, without copying the columns).
 */
export function tuplesOf(
  columns: readonly (readonly string[])[],
  n: number,
  rows?: Int32Array,
): LabelTuples {
  const keys = new TupleKeys(columns.length);
  const index = new Map<string, number>();
  const values = columns.map((): string[] => []);
  const of = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows === undefined ? i : rows[i];
    const key = keys.key(columns, r);
    let t = index.get(key);
    if (t === undefined) {
      t = index.size;
      index.set(key, t);
      for (let c = 0; c < columns.length; c++) values[c].push(columns[c][r]);
    }
    of[i] = t;
  }
  return { values, count: index.size, of };
}

/** Label column `c` of every row (for the rare paths that need the text per row). */
export function labelColumn(tuples: LabelTuples, c: number): string[] {
  const values = tuples.values[c];
  const out = new Array<string>(tuples.of.length);
  for (let i = 0; i < out.length; i++) out[i] = values[tuples.of[i]];
  return out;
}

/** Per row, `perTuple` of its tuple. */
export function perRow(tuples: LabelTuples, perTuple: Int32Array): Int32Array {
  const out = new Int32Array(tuples.of.length);
  for (let i = 0; i < out.length; i++) out[i] = perTuple[tuples.of[i]];
  return out;
}
