/**
 * Load generator (a child process of run.ts): pre-encodes `lines` usage lines (realistic
 * 8-GPU windows, distinct natural keys) into batches of `batchLines`, then pushes them with
 * `concurrency` calls in flight and prints one JSON line: lines, seconds, wire bytes.
 * argv: target batchLines lines concurrency agentId
 */
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { encodeBatch } from "../../wire/batch-codec.js";
import { type AckMessage, AckStatus, collectorService } from "../../wire/collector-service.js";
import { realisticBatch } from "../wire/realistic-batch.js";

const [target, batchArg, linesArg, concArg, agentId] = process.argv.slice(2);
const batchLines = Number(batchArg);
const total = Number(linesArg);
const concurrency = Number(concArg);
const LINES_PER_WINDOW = 24;

const windowsPerBatch = Math.max(1, Math.round(batchLines / LINES_PER_WINDOW));
const batches: Uint8Array[] = [];
let lines = 0;
for (let seq = 0; lines < total; seq++) {
  const b = realisticBatch(windowsPerBatch, seq + 1, 1_767_225_600 + seq * windowsPerBatch * 60);
  const own = b.lines.map((l) => ({ ...l, x_AgentId: agentId }));
  const enc = encodeBatch(own, b.readings, {
    agentId,
    bootId: "bench",
    sequence: seq,
    createdUnixMs: Date.now(),
  });
  if (!enc.ok) throw enc.error;
  batches.push(enc.value);
  lines += own.length;
}
const bytes = batches.reduce((a, b) => a + b.length, 0);
const client = new Client(target, credentials.createInsecure(), {
  "grpc.max_send_message_length": 1 << 30,
});
const m = collectorService.push;
const push = (bytes: Uint8Array) =>
  new Promise<AckMessage>((ok, fail) =>
    client.makeUnaryRequest<Uint8Array, AckMessage>(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
      bytes,
      new Metadata(),
      {},
      (e, a) => (e || a === undefined ? fail(e) : ok(a)),
    ),
  );
// Warm the connection (not timed).
await new Promise<void>((ok, fail) =>
  client.waitForReady(Date.now() + 10_000, (e) => (e ? fail(e) : ok())),
);
let next = 0;
let stored = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < batches.length) {
      const ack = await push(batches[next++]);
      if (ack.status !== AckStatus.ACK_STATUS_STORED) throw new Error(`not stored: ${ack.message}`);
      stored += ack.linesStored;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
client.close();
process.stdout.write(
  `${JSON.stringify({ lines, stored, seconds, bytes, batches: batches.length, cpuUs: cpu.user + cpu.system })}\n`,
);
