import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32, crc32Table } from "../../../agent/spool/crc32.js";
import { encodeFrame, FRAME_HEADER_BYTES, scanFrames } from "../../../agent/spool/frame.js";

const payload = (seq: number, n = 40) => Buffer.alloc(n, seq % 251);

describe("crc32", () => {
  it("matches the IEEE check value and the table fallback", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(crc32Table(data)).toBe(crc32(data));
      }),
    );
  });
});

describe("frames", () => {
  it("round-trip any sequence of payloads", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (payloads) => {
        const buf = Buffer.concat(payloads.map((p, i) => encodeFrame(i * 3, p)));
        const scan = scanFrames(buf);
        expect(scan.frames.map((f) => f.seq)).toEqual(payloads.map((_, i) => i * 3));
        expect(scan.frames.map((f) => Buffer.from(f.payload))).toEqual(
          payloads.map((p) => Buffer.from(p)),
        );
        expect(scan.validEnd).toBe(buf.length);
        expect(scan.crcMismatches).toBe(0);
      }),
    );
  });

  it("stop at a torn tail at every cut point", () => {
    const frames = [0, 1, 2].map((s) => encodeFrame(s, payload(s)));
    const whole = Buffer.concat(frames);
    for (let cut = frames[0].length + frames[1].length; cut < whole.length; cut++) {
      const scan = scanFrames(whole.subarray(0, cut));
      expect(scan.frames.map((f) => f.seq)).toEqual([0, 1]);
      expect(scan.validEnd).toBe(frames[0].length + frames[1].length);
    }
  });

  it("skip and count a CRC mismatch in the middle, keeping what follows", () => {
    const frames = [0, 1, 2, 3].map((s) => encodeFrame(s, payload(s)));
    frames[1][FRAME_HEADER_BYTES + 12] ^= 0xff;
    const scan = scanFrames(Buffer.concat(frames));
    expect(scan.frames.map((f) => f.seq)).toEqual([0, 2, 3]);
    expect(scan.crcMismatches).toBe(1);
    expect(scan.validEnd).toBe(Buffer.concat(frames).length);
  });

  it("resynchronise after a damaged header", () => {
    const frames = [0, 1, 2].map((s) => encodeFrame(s, payload(s)));
    frames[1].writeUInt32LE(0xdeadbeef, 4);
    const scan = scanFrames(Buffer.concat(frames));
    expect(scan.frames.map((f) => f.seq)).toEqual([0, 2]);
    expect(scan.skippedBytes).toBe(frames[1].length);
  });
});
