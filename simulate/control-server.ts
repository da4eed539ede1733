import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ControlResult } from "./control.js";

const MAX_BODY_BYTES = 64 * 1024;

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `GET /control` returns the endpoints and their faults; `POST /control` applies a
 * ControlCommand (JSON) and returns the new state, or 400 with the problems.
 */
export async function startControlServer(
  host: string,
  port: number,
  handle: (body: unknown) => Promise<ControlResult>,
  state: () => unknown,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) =>
      res
        .writeHead(status, { "content-type": "application/json" })
        .end(`${JSON.stringify(body)}\n`);
    if ((req.url ?? "").split("?")[0] !== "/control") return reply(404, { error: "not found" });
    if (req.method === "GET") return reply(200, state());
    if (req.method !== "POST") return reply(405, { error: "use GET or POST" });
    readBody(req)
      .then(async (text) => {
        if (text === undefined) return reply(413, { error: "body too large" });
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reply(400, { error: "body is not JSON" });
        }
        const result = await handle(body);
        return result.ok ? reply(200, result.state) : reply(400, { error: result.error });
      })
      .catch((err: unknown) =>
        reply(500, { error: err instanceof Error ? err.message : String(err) }),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}/control` };
}
