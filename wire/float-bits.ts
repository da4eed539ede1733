/** Bit-level helpers for exact f64 coding. */

const f64 = new Float64Array(1);
/** The double's bits as two little-endian words (the codec refuses big-endian hosts). */
const u32 = new Uint32Array(f64.buffer);
const TWO_32 = 2 ** 32;
const f32 = new Float32Array(1);

/** True when a and b are the same double: NaN equals NaN, 0 and −0 differ. */
export function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b);
}

/**
 * x moved by `ulps` representable doubles (toward +∞ for ulps > 0); x when not finite or 0.
 * Integer arithmetic on the bit pattern as a 64-bit two's-complement number (|ulps| < 2^31),
 * in two 32-bit words rather than a BigInt: it runs per row and per guess in the codec.
 */
export function stepUlps(x: number, ulps: number): number {
  if (ulps === 0 || x === 0 || !Number.isFinite(x)) return x;
  f64[0] = x;
  let lo = u32[0] + (x > 0 ? ulps : -ulps);
  if (lo < 0) {
    lo += TWO_32;
    u32[1] -= 1;
  } else if (lo >= TWO_32) {
    lo -= TWO_32;
    u32[1] += 1;
  }
  u32[0] = lo;
  return f64[0];
}

/** An integer the ints column can carry exactly (zigzag sint64 as a JS number). */
export function isWireInt(x: number): boolean {
  return Number.isSafeInteger(x) && !Object.is(x, -0);
}

/** True when x survives a round trip through float32. */
export function isExactF32(x: number): boolean {
  f32[0] = x;
  return Number.isFinite(x) && f32[0] === x && !Object.is(x, -0);
}
