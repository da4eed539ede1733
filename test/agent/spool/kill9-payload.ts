/** The payload the kill -9 child writes for a seq: its size and bytes depend on the seq. */
export function expectedPayload(seq: number): Buffer {
  const n = 16 + ((seq * 7919) % 3000);
  const b = Buffer.alloc(n, seq % 253);
  b.writeUInt32LE(seq, 0);
  return b;
}
