/**
 * The query API over HTTP JSON (docs/query-api.md):
 *
 *   GET /v1/figures                 the figures and their parameters
 *   GET /v1/figures/{name}?from=&to=&metro=&lane=&tenant=&model=&price_version=&by=
 *
 * Every answer is JSON; errors are `{"error": {"code", "message", "parameter"?}}` with 400
 * (bad parameter), 401 (no or unknown token, with WWW-Authenticate), 403 (outside the
 * credential's tenant), 404 (no such figure or path), 405 (not GET), 500 (store failed).
 * Each row flattens the group keys and the values into one object.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Component } from "../../agent/sources/types.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import type { Store } from "../store/types.js";
import { QueryAuthenticator } from "./auth.js";
import type { QueryGrant, SovereigntyPolicies } from "./config.js";
import { FIGURES } from "./figures.js";
import { FILTER_PARAMS } from "./params.js";
import { type FigureResult, type QueryDeps, runQuery } from "./run-query.js";

export interface QueryServerOptions {
  store: Pick<Store, "aggregate">;
  /** host:port; port 0 picks a free one (see `address`). */
  listen: string;
  /** Bearer token → grant (collector.yaml `query.tokens`). */
  auth: Readonly<Record<string, QueryGrant>>;
  sovereignty?: SovereigntyPolicies;
}

/** A flattened row: group keys, then values (and allowedZones for sovereignty). */
export function flattenResult(r: FigureResult): Record<string, unknown> {
  return {
    figure: r.figure,
    description: r.description,
    filter: r.filter,
    by: r.by,
    rows: r.rows.map((row) => ({
      ...row.keys,
      ...row.values,
      ...(row.allowedZones === undefined ? {} : { allowedZones: row.allowedZones }),
    })),
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(`${text}\n`);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  parameter?: string,
): void {
  const headers: Record<string, string> =
    status === 401 ? { "www-authenticate": 'Bearer realm="tokenwatt"' } : {};
  send(
    res,
    status,
    { error: { code, message, ...(parameter === undefined ? {} : { parameter }) } },
    headers,
  );
}

export class QueryHttpServer implements Component {
  private server: Server | undefined;
  private readonly deps: QueryDeps;
  private boundPort = 0;
  private closed = false;

  constructor(private readonly options: QueryServerOptions) {
    this.deps = {
      store: options.store,
      auth: new QueryAuthenticator(options.auth),
      kernel: loadWasmKernel(),
      sovereignty: options.sovereignty ?? {},
    };
  }

  /** host:port actually bound. */
  get address(): string {
    const l = this.options.listen;
    return `${l.slice(0, l.lastIndexOf(":"))}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.server !== undefined || this.closed) return;
    const l = this.options.listen;
    const host = l.slice(0, l.lastIndexOf(":")).replace(/^\[|\]$/g, "");
    const port = Number(l.slice(l.lastIndexOf(":") + 1));
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, "TW_ERR_QUERY_INTERNAL", String(error));
        else res.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
  }

  /** Idempotent; stops accepting, lets in-flight queries answer, then resolves. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://query.invalid");
    if (req.method !== "GET") {
      sendError(res, 405, "TW_ERR_QUERY_METHOD", `${req.method} is not allowed; use GET`);
      return;
    }
    if (url.pathname === "/v1/figures") {
      const auth = this.deps.auth.authenticate(req.headers.authorization);
      if (!auth.ok) return sendError(res, 401, auth.code, auth.message);
      send(res, 200, {
        figures: FIGURES.map((f) => ({
          name: f.name,
          description: f.description,
          fixedBy: f.fixedBy,
          by: f.groupable,
        })),
        parameters: [...FILTER_PARAMS, "by"],
      });
      return;
    }
    const m = /^\/v1\/figures\/([a-z0-9-]+)$/.exec(url.pathname);
    if (m === null) return sendError(res, 404, "TW_ERR_QUERY_PATH", `no such path ${url.pathname}`);
    const raw: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (k in raw)
        return sendError(res, 400, "TW_ERR_QUERY_PARAM", `${k}: given more than once`, k);
      raw[k] = v;
    }
    const outcome = await runQuery(this.deps, req.headers.authorization, m[1], raw);
    if (!outcome.ok) {
      return sendError(
        res,
        outcome.status,
        outcome.code,
        outcome.message,
        "parameter" in outcome ? outcome.parameter : undefined,
      );
    }
    send(res, 200, flattenResult(outcome.result));
  }
}

/** Starts the query HTTP server (what the collector's start-up calls with its `query:` config). */
export async function startQueryServer(options: QueryServerOptions): Promise<QueryHttpServer> {
  const server = new QueryHttpServer(options);
  await server.start();
  return server;
}
