import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EndpointFault } from "./options.js";

export type EndpointKind = "dcgm" | "vllm" | "litellm";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** What a broken proxy or a crashed exporter returns: nothing a Prometheus parser accepts. */
export const GARBAGE_BODY =
  "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>\n" +
  "\u0000\u0001\u0002{{{ not metrics }}}\n" +
  'DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID= 12x\n';

export const NO_FAULT: EndpointFault = { slowMs: 0, garbage: false, down: false };

/** One simulated `/metrics` endpoint on its own port, with injectable faults. */
export class SimEndpoint {
  fault: EndpointFault = { ...NO_FAULT };
  port = 0;
  private readonly server: Server;
  private listening = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    readonly kind: EndpointKind,
    private readonly host: string,
    private readonly render: () => string,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  get url(): string {
    return `http://${this.host}:${this.port}/metrics`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const fault = this.fault;
    if (fault.down === "503") {
      res.writeHead(503, { "content-type": "text/plain" }).end("Service Unavailable\n");
      return;
    }
    // The body is rendered when it is sent: a slow scrape reports the later time's values.
    const send = () => {
      if (res.destroyed) return;
      const body = fault.garbage ? GARBAGE_BODY : this.render();
      res.writeHead(200, { "content-type": CONTENT_TYPE }).end(body);
    };
    if (fault.slowMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, fault.slowMs);
    this.timers.add(timer);
  }

  async listen(port: number): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once("error", onError);
      this.server.listen(port, this.host, () => {
        this.server.off("error", onError);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  /** Stop accepting (connection refused) and drop open connections and pending replies. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Apply a fault; `down: "refused"` closes the port, and leaving it reopens the same port. */
  async setFault(fault: EndpointFault): Promise<void> {
    this.fault = { ...fault };
    if (fault.down === "refused") await this.close();
    else await this.listen(this.port);
  }
}
