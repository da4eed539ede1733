/**
 * Child of kill9.test.ts: appends batches to the spool in `argv[2]` as fast as it can and
 * prints `ok <seq>` once an append resolved durable, `ack <seq>` after acknowledging one.
 * The parent kills it with SIGKILL at random moments. stdout to a pipe is synchronous on
 * Linux, so a printed line was printed before the kill.
 */
import pino from "pino";
import { Spool } from "../../../agent/spool/spool.js";
import { expectedPayload } from "./kill9-payload.js";

const spool = new Spool({
  dir: process.argv[2],
  maxBytes: 64 * 1024 * 1024,
  segmentMaxBytes: 16 * 1024,
  ackFlushIntervalMillis: 20,
  logger: pino({ level: "silent" }),
});
await spool.start();
process.stdout.write("ready\n");
for (let i = 0; ; i++) {
  const r = await spool.append((seq) => expectedPayload(seq));
  if (!r.ok || !r.durable) {
    process.stdout.write(`error ${r.ok ? "not durable" : r.error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`ok ${r.seq}\n`);
  if (i % 5 === 4) {
    const e = await spool.nextUnacked();
    if (e) {
      spool.ack(e.seq);
      process.stdout.write(`ack ${e.seq}\n`);
    }
  }
}
