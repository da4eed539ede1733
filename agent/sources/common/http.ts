import type { FetchResult } from "../types.js";
import {
  SourceAbortedError,
  SourceBodyTooLargeError,
  type SourceError,
  SourceHttpError,
  SourceNetworkError,
  SourceTimeoutError,
} from "./errors.js";
import { getOnce, type InFlight } from "./http-request.js";

export interface HttpGetOptions {
  /** Source name, for error context. */
  source: string;
  url: string;
  timeoutMs: number;
  /** The caller's cancellation (agent shutdown). */
  signal: AbortSignal;
  accept: string;
  /** Bodies above this are refused (default 16 MiB): an exporter gone wrong must not exhaust memory. */
  maxBytes?: number;
}

/** What Prometheus itself sends: plain text first, OpenMetrics accepted. */
export const EXPOSITION_ACCEPT =
  "text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1";

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Redirects followed before giving up (Prometheus follows up to 10 as well). */
const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET `url` over node:http/https (keep-alive) and return the body as a FetchResult; never
 * throws. Retryable: timeouts, network errors, 408, 429, 5xx. Permanent: other statuses,
 * oversize bodies, caller aborts. `timeoutMs` bounds the whole exchange, redirects and body
 * included. Credentials in the URL (`https://user:pass@bmc/…`) are sent as Basic auth, and
 * dropped on a redirect to another origin.
 */
export async function httpGet(options: HttpGetOptions): Promise<FetchResult> {
  const { url: displayUrl, headers } = splitCredentials(options.url, options.accept);
  const context = { source: options.source, url: displayUrl };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const fail = (error: SourceError, retryable: boolean): FetchResult => ({
    ok: false,
    retryable,
    error,
    timeMs: Date.now(),
  });
  const { signal } = options;
  if (signal.aborted) return fail(new SourceAbortedError(context), false);
  // One timer and one listener per scrape, not an AbortSignal pair (issue 3: footprint).
  const flight: InFlight = {};
  let timedOut = false;
  const stop = () => flight.request?.destroy();
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  timer.unref();
  signal.addEventListener("abort", stop, { once: true });
  try {
    let url = new URL(displayUrl);
    for (let hop = 0; ; hop++) {
      let o = await getOnce(url, headers, maxBytes, flight);
      if (o.kind === "error" && o.staleSocket && !timedOut && !signal.aborted) {
        o = await getOnce(url, headers, maxBytes, flight);
      }
      if (signal.aborted) return fail(new SourceAbortedError(context), false);
      if (timedOut) return fail(new SourceTimeoutError(options.timeoutMs, context), true);
      if (o.kind === "body") return { ok: true, body: o.body, timeMs: Date.now() };
      if (o.kind === "too-large")
        return fail(new SourceBodyTooLargeError(maxBytes, context), false);
      if (o.kind === "error") return fail(new SourceNetworkError(context, o.error), true);
      const next = REDIRECTS.has(o.status) ? redirectTarget(url, o.location) : undefined;
      if (next === undefined || hop >= MAX_REDIRECTS) {
        const s = o.status;
        return fail(new SourceHttpError(s, context), s === 408 || s === 429 || s >= 500);
      }
      if (next.origin !== url.origin) delete headers.authorization;
      url = next;
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
  }
}

/** Where a 3xx points, if it points at an http(s) URL. */
function redirectTarget(from: URL, location: string | undefined): URL | undefined {
  if (location === undefined) return undefined;
  try {
    const next = new URL(location, from);
    return next.protocol === "http:" || next.protocol === "https:" ? next : undefined;
  } catch {
    return undefined;
  }
}

function splitCredentials(raw: string, accept: string) {
  const headers: Record<string, string> = { accept, "user-agent": "tokenwatt-agent" };
  const url = new URL(raw);
  if (url.username !== "" || url.password !== "") {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  return { url: url.toString(), headers };
}
