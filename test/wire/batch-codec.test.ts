import { inflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { realisticBatch } from "../../bench/wire/realistic-batch.js";
import { LANES, type UsageLine } from "../../kernel/src/usage-line.js";
import { decodeBatch, decodeBatchMeta, encodeBatch } from "../../wire/batch-codec.js";
import type { GpuReading } from "../../wire/gpu-reading.js";
import { TAG_PREDICTED } from "../../wire/number-column.js";
import { pb } from "../../wire/proto.js";
import { formatUtcSeconds } from "../../wire/utc-seconds.js";

const meta = {
  agentId: "fra2-r12-h03",
  bootId: "b-1",
  sequence: 42,
  createdUnixMs: 1_767_225_612_345,
};

/** Every number bit-identical (Object.is: NaN = NaN, 0 ≠ −0), every string equal. */
function expectExact(a: unknown, b: unknown, path = "$"): void {
  if (typeof a === "number") {
    if (!Object.is(a, b)) throw new Error(`${path}: ${a} !== ${String(b)}`);
    return;
  }
  if (a && typeof a === "object") {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a).sort());
    for (const [k, v] of Object.entries(a))
      expectExact(v, (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(b, path).toBe(a);
}

const num = fc.oneof(
  fc.double(),
  fc.integer({ min: -1e6, max: 1e9 }),
  fc.constantFrom(0, -0, 1, 60, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53) - 2),
  fc.float().map((x) => x),
);
const small = fc.constantFrom("", "a", "acme", "GPU-1", "GPU-2", "ünï", "llama-70b");
// A batch may span up to 2^31 − 1 s (start deltas are sint32).
const time = fc.integer({ min: 1_000_000_000, max: 3_000_000_000 });

const line: fc.Arbitrary<UsageLine> = fc
  .record({
    start: time,
    len: fc.integer({ min: 0, max: 86_400 }),
    s: fc.array(small, { minLength: 11, maxLength: 11 }),
    kind: fc.constantFrom("usage", "idle" as const),
    lane: fc.constantFrom(...LANES),
    n: fc.array(num, { minLength: 15, maxLength: 15 }),
  })
  .map(({ start, len, s, kind, lane, n }) => ({
    ChargePeriodStart: formatUtcSeconds(start),
    ChargePeriodEnd: formatUtcSeconds(start + len),
    x_AgentId: s[0],
    ResourceId: s[1],
    x_GpuModel: s[2],
    x_Workload: s[3],
    SubAccountId: s[4],
    x_LineKind: kind as "usage" | "idle",
    RegionId: s[5],
    AvailabilityZone: s[6],
    x_Rack: s[7],
    x_Lane: lane,
    x_SovereigntyZone: s[8],
    x_GpuEnergyJ: n[0],
    x_IdleEnergyJ: n[1],
    x_HostEnergyJ: n[2],
    x_FacilityEnergyJ: n[3],
    x_GpuSeconds: n[4],
    x_PromptTokens: n[5],
    x_CachedTokens: n[6],
    x_GenerationTokens: n[7],
    x_Requests: n[8],
    x_Coverage: n[9],
    BillingCurrency: s[9],
    x_EnergyCost: n[10],
    x_GpuTimeCost: n[11],
    ListCost: n[12],
    EffectiveCost: n[13],
    x_CarbonG: n[14],
    x_PriceVersion: s[10],
  }));

const reading: fc.Arbitrary<GpuReading> = fc.record({
  windowStartS: time,
  windowS: fc.integer({ min: 0, max: 86_400 }),
  resourceId: small,
  gpuModel: small,
  energyJ: num,
  coveredS: num,
  idleW: num,
  meanPowerW: num,
  meanUtilization: num,
  hostEnergyJ: num,
  facilityEnergyJ: num,
  ownerWorkload: small,
  ownerTenant: small,
  rejectedSamples: fc.integer({ min: 0, max: 0xffff_ffff }),
  tokens: fc.array(
    fc.record({
      workload: small,
      tenant: small,
      promptTokens: num,
      cachedTokens: num,
      generationTokens: num,
      requests: num,
    }),
    { maxLength: 4 },
  ),
});

describe("encodeBatch / decodeBatch", () => {
  it("round-trip any lines and readings exactly", () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.array(reading, { maxLength: 10 }),
        fc.boolean(),
        (lines, readings, compress) => {
          const enc = encodeBatch(lines, readings, meta, { compress });
          if (!enc.ok) throw enc.error;
          const dec = decodeBatch(enc.value);
          if (!dec.ok) throw dec.error;
          expectExact(dec.value, { meta, lines, readings });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("round-trip realistic lines whose predictions miss (values nudged off the formulas)", () => {
    const { lines, readings } = realisticBatch(3, 7);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(14), fc.integer({ min: -3, max: 3 }))),
        (edits) => {
          const copy = lines.map((l) => ({ ...l }));
          const numeric = Object.keys(copy[0]).filter(
            (k) => typeof copy[0][k as keyof UsageLine] === "number",
          );
          for (const [row, col, d] of edits) {
            const k = numeric[col] as keyof UsageLine;
            (copy[row] as unknown as Record<string, number>)[k] =
              (copy[row][k] as number) * (1 + d * 1e-16);
          }
          const enc = encodeBatch(copy, readings, meta);
          if (!enc.ok) throw enc.error;
          const dec = decodeBatch(enc.value);
          if (!dec.ok) throw dec.error;
          expectExact(dec.value.lines, copy);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("stays under 40 bytes per line for realistic lines in 10-window batches", () => {
    const { lines, readings } = realisticBatch(10);
    const enc = encodeBatch(lines, readings, meta);
    if (!enc.ok) throw enc.error;
    expect(enc.value.length / lines.length).toBeLessThan(40);
    const dec = decodeBatch(enc.value);
    if (!dec.ok) throw dec.error;
    expectExact(dec.value.lines, lines);
  });

  it("predicts from readings with many token rows (map look-up, first match wins)", () => {
    const { lines, readings } = realisticBatch(4, 5);
    const plain = encodeBatch(lines, readings, meta);
    const crowded = readings.map((r) => ({
      ...r,
      tokens: [
        ...Array.from({ length: 20 }, (_, k) => ({ ...r.tokens[0], tenant: `other-${k}` })),
        ...r.tokens,
        ...r.tokens.map((t) => ({ ...t, promptTokens: t.promptTokens + 1 })),
      ],
    }));
    const enc = encodeBatch(lines, crowded, meta);
    if (!enc.ok || !plain.ok) throw new Error("encode failed");
    const dec = decodeBatch(enc.value);
    if (!dec.ok) throw dec.error;
    expectExact(dec.value, { meta, lines, readings: crowded });
    // Usage lines' token columns are still predicted (tag ≥ TAG_PREDICTED), from the first match.
    const body = pb.BatchBody.decode(inflateRawSync(pb.Batch.decode(enc.value).body));
    const tags = [...(body.lines?.promptTokens?.tags ?? [])];
    const usage = lines.map((l) => l.x_LineKind === "usage");
    expect(tags.filter((t, i) => usage[i] && t >= TAG_PREDICTED).length).toBe(
      usage.filter(Boolean).length,
    );
  });

  it("decodes the envelope alone", () => {
    const enc = encodeBatch([], [], meta);
    if (!enc.ok) throw enc.error;
    expect(decodeBatchMeta(enc.value)).toEqual({ ok: true, value: { ...meta, lineCount: 0 } });
  });

  it("returns errors as values", () => {
    const { lines } = realisticBatch(1);
    const bad = encodeBatch([{ ...lines[0], ChargePeriodStart: "2026-01-01 00:00:00" }], [], meta);
    expect(!bad.ok && bad.error.code).toBe("TW_ERR_WIRE_TIME");
    const seq = encodeBatch([], [], { ...meta, sequence: -1 });
    expect(!seq.ok && seq.error.code).toBe("TW_ERR_WIRE_RANGE");
    const garbage = decodeBatch(Uint8Array.from([0x0a, 0xff, 0xff, 0x01]));
    expect(!garbage.ok && garbage.error.code).toBe("TW_ERR_WIRE_DECODE");
    const enc = encodeBatch(lines, [], meta, { compress: true });
    if (!enc.ok) throw enc.error;
    const cut = decodeBatch(enc.value.subarray(0, enc.value.length - 10));
    expect(cut.ok).toBe(false);
  });
});
