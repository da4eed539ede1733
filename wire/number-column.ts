/**
 * One numeric column in its smallest exact form (proto: tokenwatt.v1.NumberColumn): per row
 * a tag byte, then the value as an integer, a float32, a byte-transposed double, or nothing
 * when a predictor recomputes it bit-exactly.
 */
import { isExactF32, isWireInt, sameNumber } from "./float-bits.js";
import { int64ToNumber, type tokenwatt } from "./proto.js";

export const TAG_F64 = 0;
export const TAG_INT = 1;
export const TAG_F32 = 2;
/** Tags from here on: predicted, variant = tag − TAG_PREDICTED. */
export const TAG_PREDICTED = 3;
export const MAX_VARIANTS = 256 - TAG_PREDICTED;

export type NumberColumnMessage = tokenwatt.v1.NumberColumn.$Properties;

/** Builds a column row by row; `predicted` rows store nothing but their tag. */
export class NumberColumnWriter {
  private readonly tags: Uint8Array;
  private readonly doubles: Float64Array;
  private nDoubles = 0;
  private readonly ints: number[] = [];
  private readonly f32s: number[] = [];
  readonly factors: number[] = [];

  constructor(readonly rows: number) {
    this.tags = new Uint8Array(rows);
    this.doubles = new Float64Array(rows);
  }

  /** Stores `value` itself in the smallest exact form. */
  put(row: number, value: number): void {
    if (isWireInt(value)) {
      this.tags[row] = TAG_INT;
      this.ints.push(value);
    } else if (isExactF32(value)) {
      this.tags[row] = TAG_F32;
      this.f32s.push(value);
    } else {
      this.tags[row] = TAG_F64;
      this.doubles[this.nDoubles++] = value;
    }
  }

  predicted(row: number, variant: number): void {
    this.tags[row] = TAG_PREDICTED + variant;
  }

  /**
   * Predicts `value` as compute(factor): tries the known factors, then `guess` and its
   * neighbours; returns false (and stores nothing) when none is bit-exact.
   */
  putByFactor(
    row: number,
    value: number,
    compute: (factor: number) => number,
    guesses: readonly number[],
  ): boolean {
    for (let k = 0; k < this.factors.length; k++) {
      if (sameNumber(compute(this.factors[k]), value)) {
        this.predicted(row, k);
        return true;
      }
    }
    if (this.factors.length >= MAX_VARIANTS) return false;
    for (const g of guesses) {
      if (Number.isFinite(g) && sameNumber(compute(g), value)) {
        this.factors.push(g);
        this.predicted(row, this.factors.length - 1);
        return true;
      }
    }
    return false;
  }

  finish(): NumberColumnMessage {
    const m = this.nDoubles;
    const bytes = new Uint8Array(this.doubles.buffer, 0, m * 8);
    const planes = new Uint8Array(m * 8);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < 8; j++) planes[j * m + i] = bytes[i * 8 + j];
    }
    return {
      tags: this.tags,
      f64Planes: planes,
      ints: this.ints,
      f32s: this.f32s,
      factors: this.factors,
    };
  }
}

/** Typed-array views are little-endian only there; the wire says little-endian. */
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("TW_ERR_WIRE_ENDIAN: tokenwatt's wire codec needs a little-endian host");
}

/**
 * Reads a column back. `predict(row, variant, factors)` recomputes predicted rows; it may
 * read rows of other, already decoded columns. Returns undefined when the column is
 * inconsistent (counts do not match its tags).
 */
export function readNumberColumn(
  msg: NumberColumnMessage | null | undefined,
  rows: number,
  predict: ((row: number, variant: number, factors: readonly number[]) => number) | undefined,
  out: Float64Array,
): boolean {
  const tags = msg?.tags ?? new Uint8Array(0);
  if (tags.length !== rows) return rows === 0;
  const planes = msg?.f64Planes ?? new Uint8Array(0);
  const ints = msg?.ints ?? [];
  const f32s = msg?.f32s ?? [];
  const factors = msg?.factors ?? [];
  if (planes.length % 8 !== 0) return false;
  const m = planes.length / 8;
  const bytes = new Uint8Array(m * 8);
  // Plane by plane: reads stay sequential.
  for (let j = 0; j < 8; j++) {
    const plane = j * m;
    for (let i = 0; i < m; i++) bytes[i * 8 + j] = planes[plane + i];
  }
  const doubles = new Float64Array(bytes.buffer);
  let d = 0;
  let n = 0;
  let f = 0;
  for (let row = 0; row < rows; row++) {
    const tag = tags[row];
    if (tag === TAG_F64) {
      if (d >= m) return false;
      out[row] = doubles[d++];
    } else if (tag === TAG_INT) {
      if (n >= ints.length) return false;
      out[row] = int64ToNumber(ints[n++]);
    } else if (tag === TAG_F32) {
      if (f >= f32s.length) return false;
      out[row] = f32s[f++];
    } else {
      if (predict === undefined) return false;
      out[row] = predict(row, tag - TAG_PREDICTED, factors);
    }
  }
  return d === m && n === ints.length && f === f32s.length;
}
