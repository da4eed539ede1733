/**
 * Fills a spool with encoded realistic batches (distinct windows, so distinct natural keys)
 * and builds the Shipper that empties it, for end-to-end delivery tests.
 */
import pino from "pino";
import { Shipper } from "../../agent/shipper/shipper.js";
import { channelCredentials, GrpcTransport } from "../../agent/shipper/transport.js";
import type { Spool } from "../../agent/spool/spool.js";
import { realisticBatch } from "../../bench/wire/realistic-batch.js";
import { encodeBatch } from "../../wire/batch-codec.js";

export const AGENT = "fra2-r12-h03";
export const LINES_PER_WINDOW = 24;

/** Appends `count` batches of `windows` windows each; returns their sequence numbers. */
export async function spoolBatches(
  spool: Spool,
  count: number,
  windows = 2,
  firstBatch = 0,
): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = firstBatch; i < firstBatch + count; i++) {
    const b = realisticBatch(windows, i + 1, 1_767_225_600 + i * windows * 60);
    const r = await spool.append((seq) => {
      const enc = encodeBatch(b.lines, b.readings, {
        agentId: AGENT,
        bootId: "boot-1",
        sequence: seq,
        createdUnixMs: 1,
      });
      if (!enc.ok) throw enc.error;
      return enc.value;
    });
    if (!r.ok) throw r.error;
    seqs.push(r.seq);
  }
  return seqs;
}

export function plaintextShipper(spool: Spool, target: string): Shipper {
  const collector = {
    urls: [target],
    batch_max_lines: 5000,
    batch_max_delay_s: 5,
    allow_plaintext: true,
  };
  return new Shipper({
    spool,
    transport: new GrpcTransport(collector.urls, channelCredentials(collector)),
    logger: pino({ level: process.env.TW_TEST_LOG ?? "silent" }),
    backoff: { initialMillis: 50, maxMillis: 500 },
    idlePollMillis: 50,
    deadlineMillis: 5000,
  });
}

/** Polls `cond` every 50 ms until true or `timeoutMs`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
