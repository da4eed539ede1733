import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  credentials,
  Metadata,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type ServiceError,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addQueryService, queryService } from "../../../collector/query/grpc-service.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import { pb, type tokenwatt } from "../../../wire/proto.js";
import { generateUsage, toBatches } from "../../helpers/usage-lines.js";

const OPERATOR = "operator-token-0123456789";
const ACME = "acme-token-0123456789abcd";
const dir = mkdtempSync(join(tmpdir(), "tw-query-grpc-"));
const store = new DuckDbStore({ path: join(dir, "q.duckdb") });
const data = generateUsage({ windows: 60 });
const server = new Server();
type Client = InstanceType<ReturnType<typeof makeGenericClientConstructor>>;
let client: Client;

beforeAll(async () => {
  await store.start();
  for (const b of toBatches(data, 5000)) await store.ingest(b);
  addQueryService(server, {
    store,
    auth: { [OPERATOR]: { operator: true }, [ACME]: { tenant: "acme" } },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const Ctor = makeGenericClientConstructor(queryService, "Query");
  client = new Ctor(`127.0.0.1:${port}`, credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await store.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function figure(
  req: Partial<tokenwatt.v1.QueryRequest>,
  token?: string,
): Promise<tokenwatt.v1.QueryResponse> {
  const md = new Metadata();
  if (token !== undefined) md.set("authorization", `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    const call = client as unknown as {
      figure(
        r: tokenwatt.v1.QueryRequest,
        m: Metadata,
        cb: (e: ServiceError | null, r?: tokenwatt.v1.QueryResponse) => void,
      ): void;
    };
    call.figure(pb.QueryRequest.create(req), md, (e, r) =>
      e ? reject(e) : resolve(r as tokenwatt.v1.QueryResponse),
    );
  });
}

describe("query API over gRPC", () => {
  it("answers spend-by-metro like the lines say", async () => {
    const res = await figure({ figure: "spend-by-metro" }, OPERATOR);
    expect(res.by).toEqual(["metro", "currency"]);
    for (const row of res.rows) {
      const expected = data.lines
        .filter((l) => l.RegionId === row.keys?.metro)
        .reduce((s, l) => s + l.EffectiveCost, 0);
      expect(row.values?.effectiveCost).toBeCloseTo(expected, 6);
    }
    expect(res.rows.map((r) => r.keys?.metro).sort()).toEqual(["ams", "fra"]);
  });
  it("scopes a tenant credential and maps errors to gRPC codes", async () => {
    const res = await figure({ figure: "spend-by-tenant" }, ACME);
    expect(res.tenant).toBe("acme");
    expect(res.rows.map((r) => r.keys?.tenant)).toEqual(["acme"]);
    await expect(figure({ figure: "spend-by-tenant" })).rejects.toMatchObject({ code: 16 });
    await expect(
      figure({ figure: "spend-by-tenant", tenant: "globex" }, ACME),
    ).rejects.toMatchObject({ code: 7 });
    await expect(
      figure({ figure: "spend-by-tenant", from: "noon" }, OPERATOR),
    ).rejects.toMatchObject({ code: 3 });
    await expect(figure({ figure: "nope" }, OPERATOR)).rejects.toMatchObject({ code: 5 });
  });
});
