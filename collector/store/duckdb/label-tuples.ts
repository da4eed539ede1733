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
 * (kept rows, without copying the columns). Runs per row, so it avoids building strings:
 * each label is coded per column (a column's label usually repeats from the row before, a
 * pointer compare), and the tuple is found by an integer hash of its codes, checked code by
 * code against the tuples with that hash.
 */
export function tuplesOf(
  columns: readonly (readonly string[])[],
  n: number,
  rows?: Int32Array,
): LabelTuples {
  const width = columns.length;
  const labelCodes = columns.map(() => new Map<string, number>());
  const last = new Array<string | undefined>(width).fill(undefined);
  const lastCode = new Int32Array(width);
  const byHash = new Map<number, number>();
  /** Per tuple: the next tuple with the same hash, or -1. */
  const chain: number[] = [];
  let tupleCodes = new Int32Array(width * 16);
  const values = columns.map((): string[] => []);
  const of = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = rows === undefined ? i : rows[i];
    let h = 0x811c9dc5;
    for (let c = 0; c < width; c++) {
      const text = columns[c][r];
      if (text !== last[c]) {
        const map = labelCodes[c];
        let code = map.get(text);
        if (code === undefined) {
          code = map.size;
          map.set(text, code);
        }
        last[c] = text;
        lastCode[c] = code;
      }
      h = Math.imul(h ^ lastCode[c], 16777619);
    }
    const first = byHash.get(h);
    let t = first ?? -1;
    while (t >= 0 && !sameCodes(tupleCodes, t * width, lastCode)) t = chain[t];
    if (t < 0) {
      t = count++;
      if (tupleCodes.length < count * width) {
        const grown = new Int32Array(tupleCodes.length * 2);
        grown.set(tupleCodes);
        tupleCodes = grown;
      }
      tupleCodes.set(lastCode, t * width);
      chain.push(first ?? -1);
      byHash.set(h, t);
      for (let c = 0; c < width; c++) values[c].push(columns[c][r]);
    }
    of[i] = t;
  }
  return { values, count, of };
}

function sameCodes(stored: Int32Array, at: number, codes: Int32Array): boolean {
  for (let c = 0; c < codes.length; c++) if (stored[at + c] !== codes[c]) return false;
  return true;
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
