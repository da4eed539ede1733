/** Bit-level helpers for exact f64 coding. */

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);

/** True when a and b are the same double: NaN equals NaN, 0 and −0 differ. */
export function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** x moved by `ulps` representable doubles (toward +∞ for ulps > 0); x when not finite or 0. */
export function stepUlps(x: number, ulps: number): number {
  if (ulps === 0 || x === 0 || !Number.isFinite(x)) return x;
  f64[0] = x;
  i64[0] += BigInt(x > 0 ? ulps : -ulps);
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
