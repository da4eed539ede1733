import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseExposition } from "../../../agent/exposition/parse.js";
import { type RenderFamily, renderExposition } from "../../helpers/render-exposition.js";

const nameArb = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelNameArb = fc
  .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/)
  .filter((n) => !n.startsWith("__"));
// Label values: anything printable plus the characters that need escaping.
const labelValueArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\\", '"', "\n", "{", "}", ",", "=", " ", "#", "é", "🔥"),
    fc.string({ minLength: 1, maxLength: 1 }).filter((c) => c !== "\r"),
  ),
  maxLength: 16,
});
const valueArb = fc.oneof(
  fc.double({ noNaN: false }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 9.2e18),
  fc.integer({ min: 0, max: 2 ** 53 }),
);

const familyArb = () =>
  fc.record({
    base: nameArb,
    help: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    samples: fc.array(
      fc.record({
        labels: fc.dictionary(labelNameArb, labelValueArb, { maxKeys: 4 }),
        value: valueArb,
        timestampMs: fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  });

const familiesArb = fc
  .array(
    fc.oneof(
      familyArb().map((f) => ({ ...f, type: "counter" as const })),
      familyArb().map((f) => ({ ...f, type: "gauge" as const })),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((fs) => {
    // Distinct family names; counters end in _total as both formats' samples do.
    const seen = new Set<string>();
    const out: RenderFamily[] = [];
    fs.forEach((f, i) => {
      const base = `${f.base}_${i}`;
      const name = f.type === "counter" ? `${base}_total` : base;
      if (seen.has(name)) return;
      seen.add(name);
      out.push({
        name,
        type: f.type,
        help: f.help,
        samples: f.samples.map((s) => ({ name, ...s })),
      });
    });
    return out;
  });

const sameNumber = (a: number, b: number) =>
  Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b) || a === b;

describe("parseExposition (property): render → parse returns the same samples", () => {
  for (const format of ["prometheus", "openmetrics"] as const) {
    for (const style of ["go", "python"] as const) {
      it(`${format}, ${style}-style numbers, with and without a trailing newline`, () => {
        fc.assert(
          fc.property(familiesArb, fc.boolean(), (families, trailingNewline) => {
            const body = renderExposition(families, format, { style, trailingNewline });
            const parsed = parseExposition(body);
            expect(parsed.errors).toEqual([]);
            expect(parsed.format).toBe(format);
            const expected = families.flatMap((f) => f.samples);
            expect(parsed.samples).toHaveLength(expected.length);
            parsed.samples.forEach((got, i) => {
              const want = expected[i];
              expect(got.name).toBe(want.name);
              expect({ ...got.labels }).toEqual(want.labels);
              expect(sameNumber(got.value, want.value), `${got.value} vs ${want.value}`).toBe(true);
              if (want.timestampMs === undefined) expect(got.timestampMs).toBeUndefined();
              else
                expect(Math.abs((got.timestampMs ?? Number.NaN) - want.timestampMs)).toBeLessThan(
                  1e-3,
                );
            });
            for (const f of families) {
              const family = parsed.families.find((p) => p.samples[0]?.name === f.name);
              expect(family?.type).toBe(f.type);
              expect(family?.samples).toHaveLength(f.samples.length);
            }
          }),
          { numRuns: 150 },
        );
      });
    }
  }

  it("never throws and accounts for every line on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (body) => {
        const parsed = parseExposition(body);
        const content = body
          .split("\n")
          .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
          .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
        // Every non-comment line is a sample or an error (or lies after # EOF, also an error).
        expect(parsed.samples.length + parsed.errors.length).toBeGreaterThanOrEqual(content.length);
      }),
      { numRuns: 300 },
    );
  });
});
