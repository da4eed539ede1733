import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface Health {
  ok: boolean;
  detail: Record<string, unknown>;
}

/** Serves /metrics (Prometheus text) and /healthz (JSON) on `listen` (host:port). */
export class MetricsServer {
  private server: Server | undefined;

  constructor(
    private readonly listen: string,
    private readonly registry: Registry,
    private readonly health: () => Health,
  ) {}

  async start(): Promise<void> {
    const { host, port } = splitListen(this.listen);
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/metrics") {
        this.registry.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": this.registry.contentType });
            res.end(text);
          },
          (err: Error) => {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(`metrics failed: ${err.message}\n`);
          },
        );
        return;
      }
      if (path === "/healthz") {
        const h = this.health();
        res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(`${JSON.stringify({ status: h.ok ? "ok" : "unhealthy", ...h.detail })}\n`);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: try /metrics or /healthz\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  /** The bound address (port 0 in config picks a free one). */
  get address(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    return a ? `${a.address}:${a.port}` : this.listen;
  }

  async shutdown(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

export function splitListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(":");
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "") || "127.0.0.1";
  return { host, port: Number(listen.slice(i + 1)) };
}
