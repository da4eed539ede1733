import type { SourceConfig } from "../types.js";
import { SourceConfigError } from "./errors.js";

/**
 * Default scrape timeout. The agent scrapes every second by default and skips a tick while
 * the previous one runs, so a slow exporter costs samples, never a pile-up; 3 s keeps a
 * briefly stalled exporter from being dropped on the first hiccup.
 */
export const DEFAULT_TIMEOUT_S = 3;

export function timeoutMs(config: SourceConfig): number {
  return (config.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000;
}

/** Checks what every source needs; throws SourceConfigError naming the key and the fix. */
export function checkCommon(config: SourceConfig): void {
  const t = config.timeout_s;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) {
    throw new SourceConfigError(`timeout_s must be a positive number of seconds, got ${t}`, {
      source: config.name,
    });
  }
}

/** The source's URL, checked: http(s) only. Throws SourceConfigError when missing or bad. */
export function requireUrl(config: SourceConfig): string {
  if (config.url === undefined || config.url === "") {
    throw new SourceConfigError(
      `sources[].url is required for kind ${config.kind} (e.g. "http://127.0.0.1:9400/metrics")`,
      { source: config.name },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(config.url);
  } catch {
    throw new SourceConfigError(`url ${JSON.stringify(config.url)} is not a valid URL`, {
      source: config.name,
      url: config.url,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SourceConfigError(`url must be http:// or https://, got ${parsed.protocol}`, {
      source: config.name,
      url: config.url,
    });
  }
  return config.url;
}
