/**
 * The generated protobuf code (proto/gen, built by `npm run build:proto` from
 * proto/tokenwatt/v1). Import wire messages from here, never from proto/gen directly.
 */
import { tokenwatt } from "../proto/gen/tokenwatt.js";

export const pb = tokenwatt.v1;
export type { tokenwatt } from "../proto/gen/tokenwatt.js";

/**
 * A decoded 64-bit field as a number. protobufjs decodes 64-bit fields to Long objects when
 * the `long` package is present; every such field on our wire stays below 2^53.
 */
export function int64ToNumber(x: number | { toNumber(): number }): number {
  return typeof x === "number" ? x : x.toNumber();
}
