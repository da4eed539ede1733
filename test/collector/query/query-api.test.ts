import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueryHttpServer, startQueryServer } from "../../../collector/query/http-server.js";
import { parsePriceBook } from "../../../collector/reprice/price-book.js";
import { reprice } from "../../../collector/reprice/reprice.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type { StoredUsageLine } from "../../../collector/store/types.js";
import { loadWasmKernel } from "../../../kernel/src/wasm-kernel.js";
import { generateUsage, toBatches } from "../../helpers/usage-lines.js";
import { linesOf } from "../reprice/lines-of.js";

const OPERATOR = "operator-token-0123456789";
const ACME = "acme-token-0123456789abcd";
const dir = mkdtempSync(join(tmpdir(), "tw-query-"));
const store = new DuckDbStore({ path: join(dir, "q.duckdb") });
const data = generateUsage({ windows: 150 });
let server: QueryHttpServer;
// TW_QUERY_EXAMPLES=file: append each request and response (docs/query-api.md examples).
const examples = process.env.TW_QUERY_EXAMPLES;

beforeAll(async () => {
  await store.start();
  for (const b of toBatches(data, 5000)) await store.ingest(b);
  server = await startQueryServer({
    store,
    listen: "127.0.0.1:0",
    auth: { [OPERATOR]: { operator: true }, [ACME]: { tenant: "acme" } },
    sovereignty: { acme: ["EU"], initech: ["US"] },
  });
});
afterAll(async () => {
  await server.shutdown();
  await store.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: {
    rows: Record<string, unknown>[];
    filter: Record<string, string>;
    error?: { code: string; parameter?: string };
  };
}

async function get(path: string, token: string | null = OPERATOR): Promise<Answer> {
  const res = await fetch(`http://${server.address}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as Answer["body"];
  if (examples)
    appendFileSync(examples, `GET ${path}\n${res.status} ${JSON.stringify(body, null, 2)}\n\n`);
  return { status: res.status, body };
}

const tokens = (l: StoredUsageLine) => l.x_PromptTokens + l.x_GenerationTokens;
const sum = (lines: readonly StoredUsageLine[], f: (l: StoredUsageLine) => number) =>
  lines.reduce((s, l) => s + f(l), 0);
const close = (a: unknown, b: number) => expect(a as number).toBeCloseTo(b, 6);

describe("query API over HTTP: every figure", () => {
  const all = data.lines;
  it("tokens-per-second-per-mw", async () => {
    const { status, body } = await get("/v1/figures/tokens-per-second-per-mw");
    expect(status).toBe(200);
    close(
      body.rows[0].tokensPerSecondPerMw,
      (sum(all, tokens) * 1e6) / sum(all, (l) => l.x_FacilityEnergyJ),
    );
  });
  it("joules-per-token, grouped by metro", async () => {
    const { body } = await get("/v1/figures/joules-per-token?by=metro");
    expect(body.rows.map((r) => r.metro)).toEqual(["ams", "fra"]);
    for (const r of body.rows) {
      const m = all.filter((l) => l.RegionId === r.metro);
      close(r.joulesPerToken, sum(m, (l) => l.x_FacilityEnergyJ) / sum(m, tokens));
    }
  });
  it("cost-per-million-tokens, per currency", async () => {
    const { body } = await get("/v1/figures/cost-per-million-tokens");
    expect(body.rows[0].currency).toBe("USD");
    close(
      body.rows[0].costPerMillionTokens,
      (sum(all, (l) => l.EffectiveCost) * 1e6) / sum(all, tokens),
    );
  });
  it("carbon-per-thousand-requests", async () => {
    const { body } = await get("/v1/figures/carbon-per-thousand-requests");
    close(
      body.rows[0].carbonGPerThousandRequests,
      (sum(all, (l) => l.x_CarbonG) * 1000) / sum(all, (l) => l.x_Requests),
    );
  });
  it("cache-leverage", async () => {
    const { body } = await get("/v1/figures/cache-leverage");
    close(
      body.rows[0].cacheLeverage,
      sum(all, (l) => l.x_CachedTokens) / sum(all, (l) => l.x_PromptTokens),
    );
  });
  it("direct-allocation", async () => {
    const { body } = await get("/v1/figures/direct-allocation");
    const usage = all.filter((l) => l.x_LineKind === "usage");
    close(
      body.rows[0].directAllocation,
      sum(usage, (l) => l.x_FacilityEnergyJ) / sum(all, (l) => l.x_FacilityEnergyJ),
    );
  });
  for (const [figure, key, field] of [
    ["spend-by-metro", "metro", "RegionId"],
    ["lane-mix", "lane", "x_Lane"],
    ["spend-by-tenant", "tenant", "SubAccountId"],
    ["spend-by-model", "model", "x_Model"],
  ] as const) {
    it(figure, async () => {
      const { body } = await get(`/v1/figures/${figure}`);
      const total = sum(all, (l) => l.EffectiveCost);
      const groups = new Set(all.map((l) => l[field] ?? ""));
      expect(body.rows).toHaveLength(groups.size);
      for (const r of body.rows) {
        const g = all.filter((l) => (l[field] ?? "") === r[key]);
        close(
          r.effectiveCost,
          sum(g, (l) => l.EffectiveCost),
        );
        close(r.share, sum(g, (l) => l.EffectiveCost) / total);
      }
      const costs = body.rows.map((r) => r.effectiveCost as number);
      expect(costs).toEqual([...costs].sort((a, b) => b - a));
    });
  }
  it("sovereignty-hit-rate against the tenants' policies", async () => {
    const { body } = await get("/v1/figures/sovereignty-hit-rate");
    const row = (t: string) => body.rows.find((r) => r.tenant === t);
    expect(row("acme")).toMatchObject({ hitRate: 1, allowedZones: ["EU"] });
    expect(row("initech")).toMatchObject({ hitRate: 0, allowedZones: ["US"] });
    expect(row("globex")).toMatchObject({ hitRate: null, allowedZones: null });
    close(
      row("acme")?.tokens,
      sum(
        all.filter((l) => l.SubAccountId === "acme"),
        tokens,
      ),
    );
  });
});

describe("query API filters", () => {
  it("time range, metro, lane, tenant and model narrow the lines", async () => {
    const q =
      "from=2025-06-01T07:00:00Z&to=2025-06-01T08:00:00Z&metro=fra&lane=reserved&tenant=acme&model=meta-llama/Llama-3.1-70B-Instruct";
    const { status, body } = await get(`/v1/figures/spend-by-metro?${q}`);
    expect(status).toBe(200);
    const m = data.lines.filter(
      (l) =>
        l.ChargePeriodStart >= "2025-06-01T07:00:00Z" &&
        l.ChargePeriodStart < "2025-06-01T08:00:00Z" &&
        l.RegionId === "fra" &&
        l.x_Lane === "reserved" &&
        l.SubAccountId === "acme" &&
        l.x_Model === "meta-llama/Llama-3.1-70B-Instruct",
    );
    expect(m.length).toBeGreaterThan(0);
    close(
      body.rows[0].effectiveCost,
      sum(m, (l) => l.EffectiveCost),
    );
  });
  it("bad filters are 400 naming the parameter", async () => {
    for (const [q, parameter] of [
      ["from=yesterday", "from"],
      ["from=2025-06-01T08:00:00Z&to=2025-06-01T07:00:00Z", "to"],
      ["lane=cheap", "lane"],
      ["colour=red", "colour"],
      ["by=tenant", "by"],
      ["metro=a&metro=b", "metro"],
    ]) {
      const { status, body } = await get(`/v1/figures/spend-by-metro?${q}`);
      expect(status, q).toBe(400);
      expect(body.error?.parameter).toBe(parameter);
    }
  });
  it("404 for an unknown figure, 405 for another method", async () => {
    expect((await get("/v1/figures/nope")).status).toBe(404);
    const res = await fetch(`http://${server.address}/v1/figures/spend-by-metro`, {
      method: "POST",
    });
    expect(res.status).toBe(405);
  });
  it("a price version, and the latest by default", async () => {
    const start = Date.UTC(2025, 5, 1, 6) / 1000;
    const book = parsePriceBook("currency: USD\nenergy_per_kwh: 0.5\ngpu_hour: 4\n", "b");
    const r = await reprice({
      store,
      kernel: loadWasmKernel(),
      book,
      range: { fromS: start, toS: start + 3600 },
      version: "tariff-2",
    });
    expect(r.ok).toBe(true);
    const repriced = await linesOf(store, "tariff-2");
    const rest = data.lines.filter((l) => l.ChargePeriodStart >= "2025-06-01T07:00:00Z");
    const latest = await get("/v1/figures/spend-by-tenant");
    const agent = await get("/v1/figures/spend-by-tenant?price_version=pv-2025-06");
    const only = await get("/v1/figures/spend-by-tenant?price_version=tariff-2");
    const total = (a: Answer) => a.body.rows.reduce((s, x) => s + (x.effectiveCost as number), 0);
    expect(total(agent)).toBeCloseTo(
      sum(data.lines, (l) => l.EffectiveCost),
      6,
    );
    expect(total(only)).toBeCloseTo(
      sum(repriced, (l) => l.EffectiveCost),
      6,
    );
    expect(total(latest)).toBeCloseTo(
      sum(repriced, (l) => l.EffectiveCost) + sum(rest, (l) => l.EffectiveCost),
      6,
    );
  });
});

describe("query API credentials", () => {
  it("401 without or with an unknown token", async () => {
    const none = await get("/v1/figures/spend-by-tenant", null);
    expect(none.status).toBe(401);
    expect(none.body.error?.code).toBe("TW_ERR_QUERY_UNAUTHENTICATED");
    expect((await get("/v1/figures/spend-by-tenant", "not-a-known-token-xx")).status).toBe(401);
    expect((await get("/v1/figures", null)).status).toBe(401);
  });
  it("a tenant token sees only its tenant", async () => {
    const { status, body } = await get("/v1/figures/spend-by-tenant", ACME);
    expect(status).toBe(200);
    expect(body.rows.map((r) => r.tenant)).toEqual(["acme"]);
    expect(body.filter.tenant).toBe("acme");
    const sov = await get("/v1/figures/sovereignty-hit-rate", ACME);
    expect(sov.body.rows.map((r) => r.tenant)).toEqual(["acme"]);
  });
  it("a tenant token asking for another tenant is 403", async () => {
    const { status, body } = await get("/v1/figures/spend-by-tenant?tenant=globex", ACME);
    expect(status).toBe(403);
    expect(body.error).toMatchObject({ code: "TW_ERR_QUERY_FORBIDDEN", parameter: "tenant" });
  });
  it("the operator sees every tenant and lists the figures", async () => {
    const { body } = await get("/v1/figures/spend-by-tenant");
    expect(new Set(body.rows.map((r) => r.tenant))).toEqual(
      new Set(data.lines.map((l) => l.SubAccountId)),
    );
    const list = (await get("/v1/figures")) as unknown as { body: { figures: { name: string }[] } };
    expect(list.body.figures).toHaveLength(11);
  });
});
