/** The batch's string table: every string column stores indexes into it; index 0 is "". */
export class StringTable {
  readonly strings: string[] = [""];
  private readonly index = new Map<string, number>([["", 0]]);

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** Maps indexes back; undefined marks an index outside the table (a malformed batch). */
export function lookupStrings(
  table: readonly string[],
  ids: readonly number[] | null | undefined,
  rows: number,
): string[] | undefined {
  if ((ids?.length ?? 0) !== rows) return undefined;
  const out = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const s = table[ids![i]];
    if (s === undefined) return undefined;
    out[i] = s;
  }
  return out;
}
