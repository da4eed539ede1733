/**
 * One GET over node:http/https with keep-alive sockets. The agent scrapes each exporter every
 * second for months, so this path is kept lean: no WHATWG streams, no per-request
 * AbortSignal, one connection per exporter reused across scrapes. (global fetch costs
 * ~18 MiB resident plus a ~40 MiB peak when undici's WASM HTTP parser tiers up.)
 */
import {
  Agent as HttpAgent,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * Idle sockets stay open between scrapes. Node closes them itself a second before a
 * server's `Keep-Alive: timeout=` hint; a server that closes one unannounced costs a retry.
 */
const HTTP_AGENT = new HttpAgent({ keepAlive: true });
/** https sources verify against the system roots (NODE_EXTRA_CA_CERTS adds a CA). */
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true });

/** What one exchange came to; the caller maps it onto FetchResult. */
export type Outcome =
  | { kind: "body"; body: string }
  | { kind: "status"; status: number; location?: string }
  | { kind: "too-large" }
  | { kind: "error"; error: unknown; staleSocket: boolean };

/** The request in flight, so a deadline or the caller's abort can destroy it. */
export interface InFlight {
  request?: { destroy(): void };
}

/** Resolves (never rejects) once the exchange is over; `flight.request` is set meanwhile. */
export function getOnce(
  url: URL,
  headers: OutgoingHttpHeaders,
  maxBytes: number,
  flight: InFlight,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const tls = url.protocol === "https:";
    const options = { method: "GET", headers, agent: tls ? HTTPS_AGENT : HTTP_AGENT };
    const req = tls ? httpsRequest(url, options) : request(url, options);
    let answered = false;
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      flight.request = undefined;
      resolve(o);
    };
    flight.request = req;
    req.on("error", (error) =>
      // A keep-alive socket the server closed while idle fails before any answer: retry it.
      done({ kind: "error", error, staleSocket: req.reusedSocket && !answered }),
    );
    req.on("response", (res) => {
      answered = true;
      res.on("error", (error) => done({ kind: "error", error, staleSocket: false }));
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        // Errors are rare: dropping the socket is simpler than draining an unbounded body.
        res.destroy();
        done({ kind: "status", status, location: res.headers.location });
        return;
      }
      if (Number(res.headers["content-length"] ?? 0) > maxBytes) {
        res.destroy();
        done({ kind: "too-large" });
        return;
      }
      readBody(res, maxBytes, done);
    });
    req.end();
  });
}

function readBody(res: IncomingMessage, maxBytes: number, done: (o: Outcome) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  res.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      res.destroy();
      done({ kind: "too-large" });
      return;
    }
    chunks.push(chunk);
  });
  let ended = false;
  res.on("end", () => {
    ended = true;
    const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes);
    const coding = res.headers["content-encoding"]?.trim().toLowerCase() ?? "";
    const text = (b: Buffer): Outcome => ({ kind: "body", body: stripBom(b.toString("utf8")) });
    if (coding === "" || coding === "identity") {
      done(text(raw));
      return;
    }
    decode(raw, coding, maxBytes).then(
      (decoded) => done(decoded === undefined ? { kind: "too-large" } : text(decoded)),
      (error: unknown) => done({ kind: "error", error, staleSocket: false }),
    );
  });
  res.on("close", () => {
    if (!ended)
      done({ kind: "error", error: new Error("connection closed mid-body"), staleSocket: false });
  });
}

/**
 * We ask for no content coding (loopback scrapes: compressing costs both sides CPU for
 * nothing), but decode the common ones should a server compress anyway. zlib loads only then.
 */
async function decode(raw: Buffer, c: string, maxBytes: number): Promise<Buffer | undefined> {
  const zlib = await import("node:zlib");
  const opts = { maxOutputLength: maxBytes };
  try {
    if (c === "gzip" || c === "x-gzip") return zlib.gunzipSync(raw, opts);
    if (c === "deflate") return zlib.inflateSync(raw, opts);
    if (c === "br") return zlib.brotliDecompressSync(raw, opts);
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    throw err;
  }
  throw new Error(`unsupported content-encoding "${c}"`);
}

/** TextDecoder (what fetch used) drops a leading BOM; so do we. */
function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
