import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Route {
  status?: number;
  body: string;
  contentType?: string;
  /** Wait this long before answering (timeout tests). */
  delayMs?: number;
}

export interface FixtureServer {
  url(path: string): string;
  routes: Map<string, Route>;
  /** Requests seen, in order (method, path, authorization header). */
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with an ephemeral port, serving fixed routes. */
export async function startFixtureServer(
  routes: Record<string, Route> = {},
): Promise<FixtureServer> {
  const map = new Map(Object.entries(routes));
  const requests: FixtureServer["requests"] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = req.url ?? "/";
    requests.push({ path, authorization: req.headers.authorization });
    const route = map.get(path);
    const answer = () => {
      if (route === undefined) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(route.status ?? 200, { "content-type": route.contentType ?? "text/plain" });
      res.end(route.body);
    };
    if (route?.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, route.delayMs);
      timers.add(t);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    routes: map,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
