import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet } from "../../../agent/sources/common/http.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server whose routes can do what the fixture server cannot: trickle, redirect, compress. */
async function start(routes: Record<string, Handler>) {
  const sockets = new Set<Socket>();
  const seen: { path: string; port: number; authorization?: string }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({
      path: req.url ?? "",
      port: req.socket.remotePort ?? 0,
      authorization: req.headers.authorization,
    });
    const route = routes[req.url ?? ""];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    /** Closes idle keep-alive sockets without a word, as a server's idle timeout does. */
    dropIdle: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let srv: Awaited<ReturnType<typeof start>>;
let other: Awaited<ReturnType<typeof start>>;
beforeAll(async () => {
  other = await start({ "/m": (_q, res) => res.end("m 3\n") });
  srv = await start({
    "/m": (_q, res) => res.end("m 1\n"),
    "/bom": (_q, res) => res.end("\ufeffm 2\n"),
    "/gzip": (_q, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(gzipSync("m 4\n"));
    },
    "/declared-big": (_q, res) => {
      res.writeHead(200, { "content-length": "5000" });
      res.end("x".repeat(5000));
    },
    "/stall": (_q, res) => {
      res.writeHead(200);
      res.write("m 1\n"); // headers and part of the body, then nothing
    },
    "/hop": (_q, res) => res.writeHead(302, { location: "/m" }).end(),
    "/away": (_q, res) => res.writeHead(307, { location: `${other.base}/m` }).end(),
    "/loop": (_q, res) => res.writeHead(301, { location: "/loop" }).end(),
    "/nowhere": (_q, res) => res.writeHead(302).end(),
  });
});
afterAll(async () => {
  await srv.close();
  await other.close();
});

const get = (url: string, extra: { timeoutMs?: number; maxBytes?: number } = {}) =>
  httpGet({
    source: "t",
    url,
    timeoutMs: extra.timeoutMs ?? 2000,
    signal: new AbortController().signal,
    accept: "text/plain",
    maxBytes: extra.maxBytes,
  });

describe("httpGet over node:http", () => {
  it("reuses one keep-alive connection across scrapes", async () => {
    const before = srv.seen.length;
    for (let i = 0; i < 3; i++) expect(await get(`${srv.base}/m`)).toMatchObject({ ok: true });
    const ports = new Set(srv.seen.slice(before).map((s) => s.port));
    expect(ports.size).toBe(1);
  });

  it("retries once when the server dropped the idle connection", async () => {
    expect(await get(`${srv.base}/m`)).toMatchObject({ ok: true });
    srv.dropIdle();
    expect(await get(`${srv.base}/m`)).toMatchObject({ ok: true, body: "m 1\n" });
  });

  it("drops a UTF-8 BOM and decodes gzip a server sends unasked", async () => {
    expect(await get(`${srv.base}/bom`)).toMatchObject({ ok: true, body: "m 2\n" });
    expect(await get(`${srv.base}/gzip`)).toMatchObject({ ok: true, body: "m 4\n" });
  });

  it("refuses a body whose Content-Length is over maxBytes", async () => {
    const r = await get(`${srv.base}/declared-big`, { maxBytes: 1024 });
    expect(r).toMatchObject({ ok: false, error: { code: "TW_ERR_SOURCE_BODY_TOO_LARGE" } });
  });

  it("times out a body that stalls after the headers", async () => {
    const started = Date.now();
    const r = await get(`${srv.base}/stall`, { timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r).toMatchObject({
      ok: false,
      retryable: true,
      error: { code: "TW_ERR_SOURCE_TIMEOUT" },
    });
  });

  it("follows redirects, dropping credentials when the origin changes", async () => {
    expect(await get(`${srv.base}/hop`)).toMatchObject({ ok: true, body: "m 1\n" });
    const withAuth = `${srv.base}/away`.replace("http://", "http://u:p@");
    expect(await get(withAuth)).toMatchObject({ ok: true, body: "m 3\n" });
    expect(srv.seen.at(-1)?.authorization).toMatch(/^Basic /);
    expect(other.seen.at(-1)?.authorization).toBeUndefined();
  });

  it("gives up on a redirect loop and on a redirect without Location", async () => {
    expect(await get(`${srv.base}/loop`)).toMatchObject({
      ok: false,
      retryable: false,
      error: { code: "TW_ERR_SOURCE_HTTP", context: { status: 301 } },
    });
    expect(await get(`${srv.base}/nowhere`)).toMatchObject({
      ok: false,
      error: { code: "TW_ERR_SOURCE_HTTP", context: { status: 302 } },
    });
  });

  it("an already-aborted signal never sends a request", async () => {
    const ac = new AbortController();
    ac.abort();
    const before = srv.seen.length;
    const r = await httpGet({
      source: "t",
      url: `${srv.base}/m`,
      timeoutMs: 1000,
      signal: ac.signal,
      accept: "*/*",
    });
    expect(r).toMatchObject({ ok: false, error: { code: "TW_ERR_SOURCE_ABORTED" } });
    expect(srv.seen.length).toBe(before);
  });
});
