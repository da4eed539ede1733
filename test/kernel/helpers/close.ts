/** Tolerant comparison of kernel outputs: 1e-9 relative, with an absolute floor near zero. */
import { expect } from "vitest";

export const REL = 1e-9;
export const ABS = 1e-9;

export function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= Math.max(ABS, REL * Math.max(Math.abs(a), Math.abs(b)));
}

/** Asserts two numeric columns agree element by element; names the first mismatch. */
export function expectClose(
  name: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  count = want.length,
): void {
  expect(got.length >= count, `${name}: length ${got.length} < ${count}`).toBe(true);
  for (let i = 0; i < count; i++) {
    if (!close(got[i], want[i])) {
      expect.fail(`${name}[${i}]: wasm ${got[i]} vs reference ${want[i]}`);
    }
  }
}
