/** The bench's own correctness check: tuned TS and WASM agree to 1e-9 relative. */
export function firstMismatch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  count = a.length,
): number {
  for (let i = 0; i < count; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= Math.max(1e-9, 1e-9 * Math.max(Math.abs(x), Math.abs(y))))) return i;
  }
  return -1;
}
