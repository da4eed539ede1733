import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { labelColumn, tuplesOf } from "../../../collector/store/duckdb/label-tuples.js";

/** Each row's labels, joined: the tuple identity tuplesOf must reproduce. */
const rowKeys = (columns: string[][], rows: number[]) =>
  rows.map((r) => columns.map((c) => c[r]).join("\u0000"));

describe("tuplesOf", () => {
  it("gives rows with equal labels one tuple, and each tuple its labels, in first-seen order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) =>
          fc.array(
            fc.array(fc.constantFrom("", "a", "b", "gpu-0"), {
              minLength: width,
              maxLength: width,
            }),
            {
              maxLength: 60,
            },
          ),
        ),
        fc.boolean(),
        (table, subset) => {
          const width = table[0]?.length ?? 1;
          const columns = Array.from({ length: width }, (_, c) => table.map((row) => row[c]));
          const rows = subset
            ? Int32Array.from(table.flatMap((_, i) => (i % 3 === 1 ? [] : [i])))
            : undefined;
          const source = rows === undefined ? table.map((_, i) => i) : [...rows];
          const t = tuplesOf(columns, source.length, rows);
          const keys = rowKeys(columns, source);
          const distinct = [...new Set(keys)];
          expect(t.count).toBe(distinct.length);
          keys.forEach((k, i) => {
            expect(t.of[i]).toBe(distinct.indexOf(k));
          });
          for (let c = 0; c < width; c++) {
            expect(labelColumn(t, c)).toEqual(source.map((r) => columns[c][r]));
          }
        },
      ),
    );
  });

  it("keeps 300,000 distinct tuples apart (hash collisions included)", () => {
    const n = 300_000;
    const a = Array.from({ length: n }, (_, i) => `gpu-${i % 1000}`);
    const b = Array.from({ length: n }, (_, i) => `w-${Math.floor(i / 1000)}`);
    const t = tuplesOf([a, b, b], n);
    expect(t.count).toBe(n);
    expect(labelColumn(t, 0)).toEqual(a);
    expect(labelColumn(t, 1)).toEqual(b);
  });
});
