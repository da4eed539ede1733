/**
 * Test collectors on loopback: config objects (plaintext, TLS + mTLS, tokens), an in-process
 * Collector, and a push client. The store is a DuckDB file in the caller's directory.
 */
import { join } from "node:path";
import { type ChannelCredentials, Client, Metadata, type ServiceError } from "@grpc/grpc-js";
import pino from "pino";
import { Collector } from "../../collector/collector.js";
import { COLLECTOR_DEFAULTS } from "../../collector/config/load.js";
import type { CollectorConfig, TokenGrant } from "../../collector/config/types.js";
import type { DuckDbStoreConfig } from "../../collector/store/create-store.js";
import { type AckMessage, collectorService } from "../../wire/collector-service.js";

export interface HarnessTls {
  cert: string;
  key: string;
  ca?: string;
  requireClientCert?: boolean;
}

export function testCollectorConfig(
  dir: string,
  o: { port?: number; tls?: HarnessTls; tokens?: Record<string, TokenGrant>; dbName?: string } = {},
): CollectorConfig & { store: DuckDbStoreConfig } {
  return {
    listen: `127.0.0.1:${o.port ?? 0}`,
    metrics_listen: "127.0.0.1:0",
    ...(o.tls === undefined
      ? {}
      : {
          tls: {
            cert: o.tls.cert,
            key: o.tls.key,
            ...(o.tls.ca === undefined ? {} : { ca: o.tls.ca }),
            require_client_cert: o.tls.requireClientCert ?? false,
          },
        }),
    auth: { tokens: o.tokens ?? {} },
    allow_plaintext_loopback: o.tls === undefined,
    store: { kind: "duckdb", path: join(dir, o.dbName ?? "collector.duckdb") },
    limits: {
      max_batch_bytes: COLLECTOR_DEFAULTS.max_batch_bytes,
      max_batch_lines: COLLECTOR_DEFAULTS.max_batch_lines,
      max_batch_readings: COLLECTOR_DEFAULTS.max_batch_readings,
      max_string_length: COLLECTOR_DEFAULTS.max_string_length,
    },
  };
}

export async function startTestCollector(config: CollectorConfig): Promise<Collector> {
  const c = new Collector({ config, logger: pino({ level: "silent" }) });
  await c.start();
  return c;
}

export type PushResult = { ok: true; ack: AckMessage } | { ok: false; error: ServiceError };

/** One raw Push (bytes as given) to `target` with `creds` and optional extra metadata. */
export function pushRaw(
  target: string,
  creds: ChannelCredentials,
  bytes: Uint8Array,
  metadata: Record<string, string> = {},
  options: Record<string, string | number> = {},
): Promise<PushResult> {
  const client = new Client(target, creds, options);
  const md = new Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  const m = collectorService.push;
  return new Promise((resolve) => {
    client.makeUnaryRequest<Uint8Array, AckMessage>(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
      bytes,
      md,
      { deadline: Date.now() + 10_000 },
      (err, ack) => {
        client.close();
        resolve(
          err || ack === undefined ? { ok: false, error: err as ServiceError } : { ok: true, ack },
        );
      },
    );
  });
}
