import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stepUlps } from "../../wire/float-bits.js";

/** The definition: the bit pattern as a signed 64-bit integer, moved by ±ulps. */
function reference(x: number, ulps: number): number {
  if (ulps === 0 || x === 0 || !Number.isFinite(x)) return x;
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] = BigInt.asIntN(64, i[0] + BigInt(x > 0 ? ulps : -ulps));
  return f[0];
}

describe("stepUlps", () => {
  it("equals 64-bit integer stepping of the bits, carries and borrows included", () => {
    const near = fc.constantFrom(
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      1,
      -1,
      2 ** 32,
      // Low word 0xffffffff / 0x00000000: the carry and borrow cases.
      new Float64Array(new Uint32Array([0xffff_ffff, 0x3ff0_0000]).buffer)[0],
      new Float64Array(new Uint32Array([0, 0x3ff0_0001]).buffer)[0],
    );
    fc.assert(
      fc.property(fc.oneof(fc.double(), near), fc.integer({ min: -300, max: 300 }), (x, u) => {
        expect(Object.is(stepUlps(x, u), reference(x, u))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
