/**
 * The query API as a collector operator runs it: `tokenwatt collector --config` with a
 * `query:` section serves HTTP JSON on query.listen and the gRPC Query service on the
 * collector's own port; agents' batches pushed over gRPC are what it answers about.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { queryService } from "../../collector/query/grpc-service.js";
import { encodeBatch } from "../../wire/batch-codec.js";
import { pb, type tokenwatt } from "../../wire/proto.js";
import { CLI, requireBuiltCli } from "../helpers/cli.js";
import { pushRaw } from "../helpers/collector-harness.js";
import { generateUsage, toBatches } from "../helpers/usage-lines.js";

const OPERATOR = "operator-token-0123456789";
const ACME = "acme-token-0123456789abcd";
const data = generateUsage({ seed: 5, windows: 30 });

describe("collector with a query section", () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-cq-"));
  let child: ReturnType<typeof spawn>;
  let grpcAddr = "";
  let httpAddr = "";

  beforeAll(async () => {
    requireBuiltCli();
    const config = join(dir, "collector.yaml");
    writeFileSync(
      config,
      stringify({
        listen: "127.0.0.1:0",
        metrics_listen: "127.0.0.1:0",
        allow_plaintext_loopback: true,
        store: { kind: "duckdb", path: join(dir, "c.duckdb") },
        query: {
          listen: "127.0.0.1:0",
          tokens: { [OPERATOR]: { operator: true }, [ACME]: { tenant: "acme" } },
          sovereignty: { acme: ["EU"] },
        },
      }),
    );
    child = spawn(process.execPath, [CLI, "collector", "--config", config], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
        const m = /gRPC on (\S+), metrics on \S+, query API on http:\/\/(\S+)\//.exec(err);
        if (m) {
          grpcAddr = m[1].replace(/,$/, "");
          httpAddr = m[2];
          resolve();
        }
      });
      child.on("close", () => reject(new Error(`collector exited: ${err}`)));
    });
    for (const b of toBatches(data, 500)) {
      const bytes = encodeBatch(b.lines, b.readings, {
        agentId: b.agentId,
        bootId: b.bootId,
        sequence: b.seq,
        createdUnixMs: Date.now(),
      });
      if (!bytes.ok) throw bytes.error;
      const r = await pushRaw(grpcAddr, credentials.createInsecure(), bytes.value);
      if (!r.ok) throw r.error;
    }
  }, 60_000);
  afterAll(() => {
    child?.kill("SIGTERM");
  });

  it("answers over HTTP, scoped by the credential", async () => {
    const get = (path: string, token?: string) =>
      fetch(
        `http://${httpAddr}${path}`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
    const all = await get("/v1/figures/spend-by-tenant", OPERATOR);
    expect(all.status).toBe(200);
    const body = (await all.json()) as { rows: { tenant: string; effectiveCost: number }[] };
    const acmeCost = data.lines
      .filter((l) => l.SubAccountId === "acme")
      .reduce((s, l) => s + l.EffectiveCost, 0);
    expect(body.rows.find((r) => r.tenant === "acme")?.effectiveCost).toBeCloseTo(acmeCost, 6);
    expect(body.rows.length).toBeGreaterThan(1);
    const scoped = (await (await get("/v1/figures/spend-by-tenant", ACME)).json()) as {
      rows: { tenant: string }[];
    };
    expect(scoped.rows.map((r) => r.tenant)).toEqual(["acme"]);
    expect((await get("/v1/figures/spend-by-tenant")).status).toBe(401);
    expect((await get("/v1/figures/spend-by-tenant?tenant=globex", ACME)).status).toBe(403);
    const sov = (await (await get("/v1/figures/sovereignty-hit-rate", ACME)).json()) as {
      rows: { hitRate: number }[];
    };
    expect(sov.rows[0].hitRate).toBeGreaterThanOrEqual(0);
  });

  it("answers over gRPC on the collector's own port", async () => {
    const Ctor = makeGenericClientConstructor(queryService, "Query");
    const client = new Ctor(grpcAddr, credentials.createInsecure()) as unknown as {
      figure(
        r: tokenwatt.v1.QueryRequest,
        m: Metadata,
        cb: (e: ServiceError | null, r?: tokenwatt.v1.QueryResponse) => void,
      ): void;
      close(): void;
    };
    const md = new Metadata();
    md.set("authorization", `Bearer ${OPERATOR}`);
    const res = await new Promise<tokenwatt.v1.QueryResponse>((resolve, reject) =>
      client.figure(pb.QueryRequest.create({ figure: "tokens-per-second-per-mw" }), md, (e, r) =>
        e ? reject(e) : resolve(r!),
      ),
    );
    client.close();
    const tokens = data.lines.reduce((s, l) => s + l.x_PromptTokens + l.x_GenerationTokens, 0);
    const facility = data.lines.reduce((s, l) => s + l.x_FacilityEnergyJ, 0);
    expect(res.rows[0].values?.tokensPerSecondPerMw).toBeCloseTo((tokens * 1e6) / facility, 3);
  });
});
