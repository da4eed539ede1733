import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HOUR_US,
  labelCombos,
  rollupCells,
} from "../../../collector/store/duckdb/reprice-cells.js";

/** The plain version: one Map lookup per line. */
function naiveCombos(
  reading: Int32Array,
  source: Int32Array,
  kind: Uint8Array,
  rdim: Int32Array,
  tdim: Int32Array,
) {
  const seen = new Map<string, number>();
  const combo: number[] = [];
  const tuples: [number, number, number][] = [];
  for (let i = 0; i < reading.length; i++) {
    const t: [number, number, number] = [
      rdim[reading[i]],
      kind[i] === 0 ? tdim[source[i]] : -1,
      kind[i],
    ];
    const key = t.join();
    if (!seen.has(key)) {
      seen.set(key, tuples.length);
      tuples.push(t);
    }
    combo.push(seen.get(key) as number);
  }
  return { combo, tuples };
}

const linesArb = (maxRdim: number) =>
  fc
    .record({
      rdim: fc.array(fc.integer({ min: 0, max: maxRdim }), { minLength: 1, maxLength: 30 }),
      tdim: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 30 }),
      n: fc.integer({ min: 0, max: 200 }),
      seed: fc.integer(),
    })
    .map(({ rdim, tdim, n, seed }) => {
      let x = seed >>> 0;
      const next = (m: number) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x % m;
      };
      const kind = Uint8Array.from({ length: n }, () => next(2));
      const reading = Int32Array.from({ length: n }, () => next(rdim.length));
      const source = Int32Array.from({ length: n }, (_, i) =>
        kind[i] === 0 ? next(tdim.length) : reading[i],
      );
      return {
        lines: { count: n, reading, source, kind },
        rdim: Int32Array.from(rdim),
        tdim: Int32Array.from(tdim),
      };
    });

describe("label combinations", () => {
  for (const [name, maxRdim] of [
    ["dense table", 1000],
    ["sparse map (ids too large for a table)", 2 ** 30],
  ] as const) {
    it(`match the one-Map-lookup version (${name})`, () => {
      fc.assert(
        fc.property(linesArb(maxRdim), ({ lines, rdim, tdim }) => {
          const got = labelCombos(lines, rdim, tdim);
          const want = naiveCombos(lines.reading, lines.source, lines.kind, rdim, tdim);
          expect(Array.from(got.combo)).toEqual(want.combo);
          expect(want.tuples.map((_, i) => [got.rdim[i], got.tdim[i], got.kind[i]])).toEqual(
            want.tuples,
          );
          expect(got.rdim.length).toBe(want.tuples.length);
        }),
      );
    });
  }

  it("refuses a negative label id", () => {
    const lines = {
      count: 1,
      reading: Int32Array.of(0),
      source: Int32Array.of(0),
      kind: Uint8Array.of(0),
    };
    expect(() => labelCombos(lines, Int32Array.of(-1), Int32Array.of(0))).toThrow(
      /negative reading label id/,
    );
  });
});

describe("rollup cells", () => {
  it("sum to the same totals per hour × combination as a plain grouping, hours in any order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            hour: fc.integer({ min: 0, max: 5 }),
            minute: fc.integer({ min: 0, max: 59 }),
            combo: fc.integer({ min: 0, max: 6 }),
            a: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            b: fc.double({ min: 0, max: 1e3, noNaN: true }),
          }),
          { maxLength: 300 },
        ),
        fc.boolean(),
        (rows, sorted) => {
          if (sorted) rows.sort((x, y) => x.hour - y.hour);
          const start = Float64Array.from(
            rows,
            (r) => (480_000 + r.hour) * HOUR_US + r.minute * 60e6,
          );
          const combo = Int32Array.from(rows, (r) => r.combo);
          const a = Float64Array.from(rows, (r) => r.a);
          const b = Float64Array.from(rows, (r) => r.b);
          const cells = rollupCells(start, combo, 7, [a, b]);
          const got = new Map<string, number[]>();
          for (let c = 0; c < cells.count; c++) {
            const key = `${cells.hourUs[c]}/${cells.combo[c]}`;
            const g = got.get(key) ?? [0, 0, 0];
            got.set(key, [g[0] + cells.lines[c], g[1] + cells.sums[0][c], g[2] + cells.sums[1][c]]);
          }
          const want = new Map<string, number[]>();
          for (const r of rows) {
            const key = `${(480_000 + r.hour) * HOUR_US}/${r.combo}`;
            const g = want.get(key) ?? [0, 0, 0];
            want.set(key, [g[0] + 1, g[1] + r.a, g[2] + r.b]);
          }
          expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
          for (const [key, w] of want) {
            const g = got.get(key) as number[];
            expect(g[0]).toBe(w[0]);
            expect(g[1]).toBeCloseTo(w[1], 6);
            expect(g[2]).toBeCloseTo(w[2], 6);
          }
          // Lines in hour order make one cell per hour × combination.
          if (sorted) expect(cells.count).toBe(want.size);
        },
      ),
    );
  });
});
