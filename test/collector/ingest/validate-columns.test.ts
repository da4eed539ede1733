import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { realisticBatch } from "../../../bench/wire/realistic-batch.js";
import { validateLines } from "../../../collector/ingest/validate.js";
import { validateColumns } from "../../../collector/ingest/validate-columns.js";
import { LANES, type UsageLine } from "../../../kernel/src/usage-line.js";
import { decodeBatchColumns, encodeBatch } from "../../../wire/batch-codec.js";
import { LINE_NUMBER_COLUMNS, LINE_STRING_COLUMNS } from "../../../wire/line-columns.js";
import { formatUtcSeconds } from "../../../wire/utc-seconds.js";
import { columnsOf } from "../../helpers/line-columns.js";

const { lines } = realisticBatch(2, 3, 1_767_225_600);
const agentId = lines[0].x_AgentId;
const scope = { agentId, maxStringLength: 64, latestStartS: 1_767_229_200 };

const strings = fc.constantFrom(
  "",
  "usd",
  "USD",
  "EUR",
  "usage",
  "idle",
  "spare",
  "acme",
  agentId,
  "x".repeat(65),
  ...LANES,
);
const numbers = fc.constantFrom(
  0,
  -0,
  -1e-300,
  0.5,
  1,
  1.0000000001,
  59.99,
  60,
  61,
  1e12,
  Number.NaN,
  Number.POSITIVE_INFINITY,
);
const numberFields = LINE_NUMBER_COLUMNS.map(([f]) => f);
const stringFields = LINE_STRING_COLUMNS.map(([f]) => f);
const edit = fc.oneof(
  fc.record({ row: fc.nat(lines.length - 1), field: fc.constantFrom(...stringFields), v: strings }),
  fc.record({ row: fc.nat(lines.length - 1), field: fc.constantFrom(...numberFields), v: numbers }),
  fc.record({
    row: fc.nat(lines.length - 1),
    field: fc.constant("time"),
    v: fc.tuple(
      fc.integer({ min: 1_767_225_000, max: 1_767_240_000 }),
      fc.constantFrom(0, 1, 7, 60, 3600, 86_400),
    ),
  }),
);

function edited(edits: { row: number; field: string; v: unknown }[]): UsageLine[] {
  const copy = lines.map((l) => ({ ...l }) as Record<string, unknown>);
  for (const { row, field, v } of edits) {
    if (field === "time") {
      const [start, len] = v as [number, number];
      copy[row].ChargePeriodStart = formatUtcSeconds(start);
      copy[row].ChargePeriodEnd = formatUtcSeconds(start + len);
    } else copy[row][field] = v;
  }
  return copy as unknown as UsageLine[];
}

describe("validateColumns", () => {
  it("accepts and refuses exactly the lines validateLines does, with the same reasons", () => {
    const tenants = fc.option(fc.constant(new Set(["acme", "globex"])), { nil: undefined });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), tenants, (edits, allowed) => {
        const rows = edited(edits);
        const s = allowed === undefined ? scope : { ...scope, tenants: allowed };
        const expected = validateLines(rows, s);
        const got = validateColumns(columnsOf(rows), s);
        expect(got.rejected).toEqual(expected.rejected);
        expect(got.valid).toBe(expected.valid.length);
        expect([...got.keep].flatMap((k, i) => (k === 1 ? [i] : []))).toEqual(
          expected.valid.map((l) => rows.indexOf(l)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("checks every row when the string limit is below a time's length", () => {
    const got = validateColumns(columnsOf(lines), { ...scope, maxStringLength: 19 });
    expect(got.valid).toBe(0);
    expect(got.rejected[0].reason).toBe("string_too_long");
  });

  it("validates what the wire decoder returns", () => {
    const rows = edited([
      { row: 1, field: "x_GpuEnergyJ", v: -1 },
      { row: 4, field: "SubAccountId", v: "x".repeat(65) },
    ]);
    const enc = encodeBatch(rows, [], { agentId, bootId: "b", sequence: 1, createdUnixMs: 0 });
    if (!enc.ok) throw enc.error;
    const dec = decodeBatchColumns(enc.value);
    if (!dec.ok) throw dec.error;
    const got = validateColumns(dec.value.lines, scope);
    expect(got.rejected.map((r) => [r.row, r.reason])).toEqual([
      [1, "negative"],
      [4, "string_too_long"],
    ]);
    expect(got.valid).toBe(rows.length - 2);
  });
});
