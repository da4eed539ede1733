import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet } from "../../../agent/sources/common/http.js";
import { createSource } from "../../../agent/sources/registry.js";
import { type FixtureServer, startFixtureServer } from "../../helpers/fixture-server.js";

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer({
    "/metrics": {
      body: 'vllm:prompt_tokens_total{model_name="m"} 5\nvllm:generation_tokens_total{model_name="m"} 7',
    },
    "/broken": { status: 500, body: "boom" },
    "/missing": { status: 404, body: "nope" },
    "/busy": { status: 429, body: "slow down" },
    "/slow": { body: "m 1\n", delayMs: 2000 },
    "/big": { body: "x".repeat(2048) },
  });
});
afterAll(() => server.close());

const get = (
  path: string,
  extra: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {},
) =>
  httpGet({
    source: "t",
    url: server.url(path),
    timeoutMs: extra.timeoutMs ?? 1000,
    signal: extra.signal ?? new AbortController().signal,
    accept: "text/plain",
    maxBytes: extra.maxBytes,
  });

describe("httpGet against a real server on 127.0.0.1", () => {
  it("returns the body and a completion time", async () => {
    const before = Date.now();
    const r = await get("/metrics");
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.body).toContain("vllm:prompt_tokens_total");
    expect(r.timeMs).toBeGreaterThanOrEqual(before);
  });

  it("a 500 is a retryable value, not a throw", async () => {
    const r = await get("/broken");
    expect(r).toMatchObject({ ok: false, retryable: true });
    if (!r.ok) {
      expect(r.error).toMatchObject({
        code: "TW_ERR_SOURCE_HTTP",
        context: { status: 500, source: "t" },
      });
      expect(r.error.message).toContain(server.url("/broken"));
    }
  });

  it("a 429 is retryable, a 404 is permanent", async () => {
    expect(await get("/busy")).toMatchObject({ ok: false, retryable: true });
    expect(await get("/missing")).toMatchObject({ ok: false, retryable: false });
  });

  it("times out as a retryable TW_ERR_SOURCE_TIMEOUT", async () => {
    const started = Date.now();
    const r = await get("/slow", { timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r).toMatchObject({
      ok: false,
      retryable: true,
      error: { code: "TW_ERR_SOURCE_TIMEOUT" },
    });
  });

  it("a caller abort is permanent and distinct from a timeout", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await get("/slow", { signal: ac.signal, timeoutMs: 5000 });
    expect(r).toMatchObject({
      ok: false,
      retryable: false,
      error: { code: "TW_ERR_SOURCE_ABORTED" },
    });
  });

  it("refuses bodies over maxBytes", async () => {
    const r = await get("/big", { maxBytes: 1024 });
    expect(r).toMatchObject({
      ok: false,
      retryable: false,
      error: { code: "TW_ERR_SOURCE_BODY_TOO_LARGE" },
    });
  });

  it("connection refused is a retryable network error", async () => {
    const r = await httpGet({
      source: "t",
      url: "http://127.0.0.1:1/metrics",
      timeoutMs: 1000,
      signal: new AbortController().signal,
      accept: "text/plain",
    });
    expect(r).toMatchObject({
      ok: false,
      retryable: true,
      error: { code: "TW_ERR_SOURCE_NETWORK" },
    });
  });

  it("sends URL credentials as Basic auth and keeps them out of messages", async () => {
    const url = server.url("/broken").replace("http://", "http://admin:s%3Acret@");
    const r = await httpGet({
      source: "t",
      url,
      timeoutMs: 1000,
      signal: new AbortController().signal,
      accept: "*/*",
    });
    expect(server.requests.at(-1)?.authorization).toBe(
      `Basic ${Buffer.from("admin:s:cret").toString("base64")}`,
    );
    if (!r.ok) expect(r.error.message).not.toContain("cret");
  });
});

describe("an exposition source end to end: fetch → parse", () => {
  it("scrapes vLLM over HTTP", async () => {
    const source = createSource({ name: "vllm-a", kind: "vllm", url: server.url("/metrics") });
    const r = await source.fetch(new AbortController().signal);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const scrape = source.parse(r.body, r.timeMs);
    expect(scrape).toMatchObject({ source: "vllm-a", timeMs: r.timeMs, discarded: 0 });
    expect(scrape.tokens).toEqual([
      { key: "model=m", model: "m", promptTokens: 5, generationTokens: 7 },
    ]);
  });

  it("uses timeout_s", async () => {
    const source = createSource({
      name: "s",
      kind: "dcgm",
      url: server.url("/slow"),
      timeout_s: 0.1,
    });
    const r = await source.fetch(new AbortController().signal);
    expect(r).toMatchObject({
      ok: false,
      retryable: true,
      error: { code: "TW_ERR_SOURCE_TIMEOUT" },
    });
  });
});
