/**
 * Bulk copies between DuckDB data-chunk vectors and typed arrays. `@duckdb/node-api` keeps a
 * numeric vector's values in a typed array over the vector's native memory but does not
 * expose it; copying it whole (one `set`) is what makes re-pricing millions of readings
 * cheap. When the field is absent or of another type (a future driver version), the copy
 * falls back to the public per-value getItem/setItem, slower but correct.
 */
import type { DuckDBVector } from "@duckdb/node-api";

export type NumericArray = Float64Array | Int32Array | Uint8Array;

function itemsOf(vector: DuckDBVector, like: NumericArray): NumericArray | undefined {
  const items = (vector as unknown as { items?: unknown }).items;
  return items !== undefined &&
    ArrayBuffer.isView(items) &&
    (items as NumericArray).constructor === like.constructor
    ? (items as NumericArray)
    : undefined;
}

/** Copies the first `n` values of `vector` into `target` at `offset` (NULL reads as 0). */
export function readVector(
  vector: DuckDBVector,
  target: NumericArray,
  offset: number,
  n: number,
): void {
  const items = itemsOf(vector, target);
  if (items !== undefined && items.length >= n) {
    target.set(items.subarray(0, n), offset);
    return;
  }
  for (let i = 0; i < n; i++) target[offset + i] = Number(vector.getItem(i) ?? 0);
}

/** Writes `source[offset .. offset + n)` into a fresh chunk's vector and flushes it. */
export function writeVector(
  vector: DuckDBVector,
  source: NumericArray,
  offset: number,
  n: number,
): void {
  const items = itemsOf(vector, source);
  if (items !== undefined && items.length >= n) {
    items.set(source.subarray(offset, offset + n));
  } else {
    for (let i = 0; i < n; i++) vector.setItem(i, source[offset + i]);
  }
  vector.flush();
}
