/**
 * Measures Push (unary) against a bidirectional stream on loopback for one-window batches
 * (24 lines): the measurement behind choosing unary for Collector.Push. The streaming
 * definition exists only here. Run: `npx vite-node bench/wire/unary-vs-stream.ts`.
 */
import * as grpc from "@grpc/grpc-js";
import { encodeBatch } from "../../wire/batch-codec.js";
import { type AckMessage, collectorService } from "../../wire/collector-service.js";
import { realisticBatch } from "./realistic-batch.js";

const N = Number(process.env.N ?? 3000);
const { lines, readings } = realisticBatch(1);
const payloads = Array.from({ length: N }, (_, seq) => {
  const r = encodeBatch(lines, readings, {
    agentId: "a",
    bootId: "b",
    sequence: seq,
    createdUnixMs: 0,
  });
  if (!r.ok) throw r.error;
  return r.value;
});
const ack = (seq: number): AckMessage => ({
  agentId: "a",
  bootId: "b",
  sequence: seq,
  status: 1,
  linesStored: 24,
  linesDuplicate: 0,
  message: "",
});
const streamService = {
  stream: {
    ...collectorService.push,
    path: "/bench.Collector/Stream",
    requestStream: true,
    responseStream: true,
  },
} satisfies grpc.ServiceDefinition;

const server = new grpc.Server();
let seqOf = 0;
server.addService(collectorService, {
  push: (_c: unknown, cb: grpc.sendUnaryData<AckMessage>) => cb(null, ack(seqOf++)),
});
server.addService(streamService, {
  stream: (call: grpc.ServerDuplexStream<Uint8Array, AckMessage>) => {
    call.on("data", () => call.write(ack(seqOf++)));
    call.on("end", () => call.end());
  },
});
const port = await new Promise<number>((ok, fail) =>
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
    e ? fail(e) : ok(p),
  ),
);
const addr = `127.0.0.1:${port}`;
const Unary = grpc.makeGenericClientConstructor(collectorService, "C");
const Stream = grpc.makeGenericClientConstructor(streamService, "S");
const u = new Unary(addr, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
  push(b: Uint8Array, cb: (e: Error | null) => void): void;
};
const s = new Stream(addr, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
  stream(): grpc.ClientDuplexStream<Uint8Array, AckMessage>;
};

async function unary(inFlight: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const b = payloads[next++];
      await new Promise<void>((ok, fail) => u.push(b, (e) => (e ? fail(e) : ok())));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return N / ((performance.now() - t0) / 1000);
}

async function stream(window: number): Promise<number> {
  const t0 = performance.now();
  const call = s.stream();
  let sent = 0;
  let acked = 0;
  await new Promise<void>((done, fail) => {
    const pump = () => {
      while (sent < N && sent - acked < window) call.write(payloads[sent++]);
    };
    call.on("data", () => {
      acked++;
      if (acked === N) {
        call.end();
        done();
      } else pump();
    });
    call.on("error", fail);
    pump();
  });
  return N / ((performance.now() - t0) / 1000);
}

await unary(1); // warm-up
const rows = [
  { mode: "unary, 1 in flight", batchesPerS: await unary(1) },
  { mode: "unary, 8 in flight", batchesPerS: await unary(8) },
  { mode: "stream, window 1", batchesPerS: await stream(1) },
  { mode: "stream, window 8", batchesPerS: await stream(8) },
].map((r) => ({ ...r, linesPerS: r.batchesPerS * 24 }));
console.table(
  rows.map((r) => ({
    mode: r.mode,
    batchesPerS: Math.round(r.batchesPerS),
    linesPerS: Math.round(r.linesPerS),
  })),
);
console.log(JSON.stringify({ bench: "wire-unary-vs-stream", batchLines: 24, n: N, rows }));
u.close();
s.close();
server.forceShutdown();
