import { createRequire } from "node:module";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { service as healthService } from "grpc-health-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realisticBatch } from "../../bench/wire/realistic-batch.js";
import { decodeBatch, encodeBatch } from "../../wire/batch-codec.js";
import { type AckMessage, AckStatus, collectorService } from "../../wire/collector-service.js";
import { addStandardServices } from "../../wire/standard-services.js";

const require = createRequire(import.meta.url);
let server: grpc.Server;
let address = "";

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(collectorService, {
    push: (
      call: grpc.ServerUnaryCall<Uint8Array, AckMessage>,
      cb: grpc.sendUnaryData<AckMessage>,
    ) => {
      const d = decodeBatch(call.request);
      if (!d.ok) {
        cb(null, {
          agentId: "",
          bootId: "",
          sequence: 0,
          status: AckStatus.ACK_STATUS_REJECTED,
          linesStored: 0,
          linesDuplicate: 0,
          message: d.error.message,
        });
        return;
      }
      const { meta, lines } = d.value;
      cb(null, {
        agentId: meta.agentId,
        bootId: meta.bootId,
        sequence: meta.sequence,
        status: AckStatus.ACK_STATUS_STORED,
        linesStored: lines.length,
        linesDuplicate: 0,
        message: "",
      });
    },
  });
  const { health } = addStandardServices(server);
  const port = await new Promise<number>((ok, fail) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? fail(e) : ok(p),
    ),
  );
  health.setStatus("", "SERVING");
  address = `127.0.0.1:${port}`;
});
afterAll(() => {
  server?.forceShutdown();
});

function unary<Req, Res>(client: grpc.Client, method: string, req: Req): Promise<Res> {
  const fn = (
    client as unknown as Record<string, (r: Req, cb: (e: Error | null, v: Res) => void) => void>
  )[method];
  return new Promise((ok, fail) => fn.call(client, req, (e, v) => (e ? fail(e) : ok(v))));
}

describe("Collector service", () => {
  it("pushes a batch and gets its ack; malformed bytes get REJECTED", async () => {
    const Client = grpc.makeGenericClientConstructor(collectorService, "Collector");
    const client = new Client(address, grpc.credentials.createInsecure());
    const { lines, readings } = realisticBatch(2);
    const enc = encodeBatch(lines, readings, {
      agentId: "a1",
      bootId: "b1",
      sequence: 9_007_199_254_740_000,
      createdUnixMs: 1,
    });
    if (!enc.ok) throw enc.error;
    const ack = await unary<Uint8Array, AckMessage>(client, "push", enc.value);
    expect(ack).toMatchObject({
      agentId: "a1",
      sequence: 9_007_199_254_740_000,
      status: AckStatus.ACK_STATUS_STORED,
      linesStored: lines.length,
    });
    const bad = await unary<Uint8Array, AckMessage>(client, "push", Uint8Array.from([0x42, 0x07]));
    expect(bad.status).toBe(AckStatus.ACK_STATUS_REJECTED);
    client.close();
  });

  it("serves grpc.health.v1", async () => {
    const Health = grpc.makeGenericClientConstructor(
      healthService as grpc.ServiceDefinition,
      "Health",
    );
    const client = new Health(address, grpc.credentials.createInsecure());
    expect(await unary(client, "check", { service: "" })).toEqual({ status: "SERVING" });
    expect(await unary(client, "check", { service: "tokenwatt.v1.Collector" })).toEqual({
      status: "NOT_SERVING",
    });
    client.close();
  });

  it("serves reflection listing the Collector service", async () => {
    const protoPath = require.resolve(
      "@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto",
    );
    const pkg = grpc.loadPackageDefinition(loadSync(protoPath)) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
    };
    const client = new pkg.grpc.reflection.v1.ServerReflection(
      address,
      grpc.credentials.createInsecure(),
    );
    const call = (
      client as unknown as {
        serverReflectionInfo(): grpc.ClientDuplexStream<
          object,
          { listServicesResponse?: { service: { name: string }[] } }
        >;
      }
    ).serverReflectionInfo();
    const names = await new Promise<string[]>((ok, fail) => {
      call.on("data", (r: { listServicesResponse?: { service: { name: string }[] } }) => {
        ok((r.listServicesResponse?.service ?? []).map((s: { name: string }) => s.name));
        call.end();
      });
      call.on("error", fail);
      call.write({ listServices: "" });
    });
    expect(names).toContain("tokenwatt.v1.Collector");
    expect(names).toContain("grpc.health.v1.Health");
    client.close();
  });
});
