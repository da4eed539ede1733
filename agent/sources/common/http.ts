import type { FetchResult } from "../types.js";
import {
  SourceAbortedError,
  SourceBodyTooLargeError,
  type SourceError,
  SourceHttpError,
  SourceNetworkError,
  SourceTimeoutError,
} from "./errors.js";

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

/**
 * GET `url` with global fetch and return the body as a FetchResult; never throws.
 * Retryable: timeouts, network errors, 408, 429, 5xx. Permanent: other statuses, oversize
 * bodies, caller aborts. Credentials in the URL (`https://user:pass@bmc/…`) are sent as
 * Basic auth, because fetch refuses URLs that carry them.
 */
export async function httpGet(options: HttpGetOptions): Promise<FetchResult> {
  const { url: displayUrl, headers } = splitCredentials(options.url, options.accept);
  const context = { source: options.source, url: displayUrl };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const fail = (error: SourceError, retryable: boolean): FetchResult => ({
    ok: false,
    retryable,
    error,
    timeMs: Date.now(),
  });
  try {
    const response = await fetch(displayUrl, { headers, signal, redirect: "follow" });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const s = response.status;
      return fail(new SourceHttpError(s, context), s === 408 || s === 429 || s >= 500);
    }
    const body = await readLimited(response, options.maxBytes ?? DEFAULT_MAX_BYTES);
    if (body === undefined) {
      return fail(
        new SourceBodyTooLargeError(options.maxBytes ?? DEFAULT_MAX_BYTES, context),
        false,
      );
    }
    return { ok: true, body, timeMs: Date.now() };
  } catch (cause) {
    if (options.signal.aborted) return fail(new SourceAbortedError(context), false);
    if (timeout.aborted) return fail(new SourceTimeoutError(options.timeoutMs, context), true);
    return fail(new SourceNetworkError(context, cause), true);
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

function splitCredentials(raw: string, accept: string) {
  const headers: Record<string, string> = { accept };
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
