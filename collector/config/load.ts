/**
 * Loads collector.yaml: YAML → structure (zod) → cross-field rules → defaults. Every problem
 * is reported at once as a ConfigError (TW_ERR_CONFIG) naming the key path and line.
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { LineCounter, parseDocument, parse as parseYaml } from "yaml";
import { ConfigError, type ConfigIssue } from "../../agent/config/errors.js";
import { fromZod } from "../../agent/config/issues.js";
import { dropNulls, formatPath, type Path, type RawIssue } from "../../agent/config/raw.js";
import { defaultStageWorkers } from "../ingest/stage-pool.js";
import { QUERY_DEFAULTS, type QueryGrant, queryTokensSchema } from "../query/config.js";
import { type CollectorConfigInput, collectorConfigSchema, tokensSchema } from "./schema.js";
import type { CollectorConfig, TokenGrant } from "./types.js";

export const COLLECTOR_DEFAULTS = {
  listen: "0.0.0.0:4317",
  metrics_listen: "127.0.0.1:9465",
  max_batch_bytes: 64 * 1024 * 1024,
  max_batch_lines: 200_000,
  max_batch_readings: 100_000,
  max_string_length: 512,
} as const;

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

export function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(":"));
}

function crossCheck(c: CollectorConfigInput): RawIssue[] {
  const issues: RawIssue[] = [];
  const listen = c.listen ?? COLLECTOR_DEFAULTS.listen;
  const tokens = Object.keys(c.auth?.tokens ?? {}).length > 0 || c.auth?.tokens_file !== undefined;
  if (c.tls === undefined) {
    if (c.allow_plaintext_loopback !== true) {
      issues.push({
        path: ["tls"],
        message:
          "required: agents connect over TLS. Set tls.cert and tls.key (or, for a loopback test, allow_plaintext_loopback: true)",
      });
    } else if (!isLoopbackHost(hostOf(listen))) {
      issues.push({
        path: ["listen"],
        message: `plaintext is only allowed on a loopback address (127.0.0.1, ::1, localhost); got "${listen}". Configure tls instead`,
      });
    }
  } else {
    if (c.tls.require_client_cert === true && c.tls.ca === undefined) {
      issues.push({
        path: ["tls", "ca"],
        message: "required when require_client_cert is true: the CA that signs agent certificates",
      });
    }
    if (c.tls.ca === undefined && !tokens) {
      issues.push({
        path: ["auth"],
        message:
          "no way to authenticate agents: set tls.ca (mTLS client certificates) or auth.tokens / auth.tokens_file (bearer tokens)",
      });
    }
    if (c.tls.require_client_cert === true && tokens) {
      issues.push({
        path: ["auth"],
        message:
          "bearer tokens are never accepted when tls.require_client_cert is true; remove them",
      });
    }
  }
  return issues;
}

function applyDefaults(
  c: CollectorConfigInput,
  fileTokens: Record<string, TokenGrant>,
  queryFileTokens: Record<string, QueryGrant>,
): CollectorConfig {
  return {
    ...(c.query === undefined
      ? {}
      : {
          query: {
            listen: c.query.listen ?? QUERY_DEFAULTS.listen,
            tokens: { ...(c.query.tokens ?? {}), ...queryFileTokens },
            sovereignty: c.query.sovereignty ?? {},
          },
        }),
    listen: c.listen ?? COLLECTOR_DEFAULTS.listen,
    metrics_listen: c.metrics_listen ?? COLLECTOR_DEFAULTS.metrics_listen,
    ...(c.tls === undefined
      ? {}
      : {
          tls: {
            cert: c.tls.cert,
            key: c.tls.key,
            ...(c.tls.ca === undefined ? {} : { ca: c.tls.ca }),
            require_client_cert: c.tls.require_client_cert ?? false,
          },
        }),
    auth: {
      tokens: { ...(c.auth?.tokens ?? {}), ...fileTokens },
      ...(c.auth?.tokens_file === undefined ? {} : { tokens_file: c.auth.tokens_file }),
    },
    allow_plaintext_loopback: c.allow_plaintext_loopback ?? false,
    store: c.store,
    ingest: {
      stage_workers:
        c.ingest?.stage_workers === undefined || c.ingest.stage_workers === "auto"
          ? defaultStageWorkers()
          : c.ingest.stage_workers,
    },
    limits: {
      max_batch_bytes: c.limits?.max_batch_bytes ?? COLLECTOR_DEFAULTS.max_batch_bytes,
      max_batch_lines: c.limits?.max_batch_lines ?? COLLECTOR_DEFAULTS.max_batch_lines,
      max_batch_readings: c.limits?.max_batch_readings ?? COLLECTOR_DEFAULTS.max_batch_readings,
      max_string_length: c.limits?.max_string_length ?? COLLECTOR_DEFAULTS.max_string_length,
    },
  };
}

async function readTokensFile<T>(
  path: string,
  issues: RawIssue[],
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Parameters<typeof fromZod>[0] } };
  },
  at: Path,
): Promise<T | Record<string, never>> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, "utf8"));
  } catch (err) {
    issues.push({
      path: at,
      message: `cannot read ${path}: ${(err as Error).message}`,
    });
    return {};
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const i of fromZod(parsed.error.issues)) {
      issues.push({
        path: at,
        message: `${path}: ${formatPath(i.path)}: ${i.message}`,
      });
    }
    return {};
  }
  return parsed.data;
}

/** Parses and validates collector config text; throws ConfigError listing every problem. */
export async function parseCollectorConfig(
  text: string,
  fileName: string,
): Promise<CollectorConfig> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const toIssue = (path: Path, message: string): ConfigIssue => {
    let line: number | undefined;
    for (let n = path.length; n >= 0 && line === undefined; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) line = lines.linePos(range[0]).line;
    }
    return {
      file: fileName,
      path: formatPath(path),
      ...(line === undefined ? {} : { line }),
      message,
    };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      fileName,
      doc.errors.map((e) => ({
        file: fileName,
        path: "",
        message: `YAML: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const parsed = collectorConfigSchema.safeParse(dropNulls(doc.toJS()), { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      fileName,
      fromZod(parsed.error.issues).map((i) => toIssue(i.path, i.message)),
    );
  }
  const raw = [...crossCheck(parsed.data)];
  const fileTokens =
    parsed.data.auth?.tokens_file === undefined
      ? {}
      : await readTokensFile(parsed.data.auth.tokens_file, raw, tokensSchema, [
          "auth",
          "tokens_file",
        ]);
  const queryFile = parsed.data.query?.tokens_file;
  const queryFileTokens =
    queryFile === undefined
      ? {}
      : await readTokensFile(queryFile, raw, queryTokensSchema, ["query", "tokens_file"]);
  if (raw.length > 0)
    throw new ConfigError(
      fileName,
      raw.map((i) => toIssue(i.path, i.message)),
    );
  return applyDefaults(parsed.data, fileTokens, queryFileTokens);
}

export async function loadCollectorConfig(path: string): Promise<CollectorConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [
      { file: path, path: "", message: `cannot read: ${(err as Error).message}` },
    ]);
  }
  return parseCollectorConfig(text, path);
}
