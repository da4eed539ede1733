/** CRC-32 (IEEE 802.3, as zlib and gzip compute it). */
import * as zlib from "node:zlib";

let table: Uint32Array | undefined;

/** Table-driven fallback for Node builds without zlib.crc32 (added in 20.15 / 22.2). */
export function crc32Table(data: Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export const crc32: (data: Uint8Array) => number =
  typeof native === "function" ? (data) => native(data) >>> 0 : crc32Table;
