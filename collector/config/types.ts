import type { QueryGrant, SovereigntyPolicies } from "../query/config.js";
import type { StoreConfig } from "../store/create-store.js";
/**
 * The resolved collector config: every default applied, every cross-field rule checked.
 * Keys are the YAML keys (snake_case); collector/collector.example.yaml documents each one.
 */

/** Who a bearer token speaks for. */
export interface TokenGrant {
  /** Agent ids this token may ship for; `["*"]` = any. */
  agents: string[];
  /** Tenants (SubAccountId) it may ship lines of; absent = any. */
  tenants?: string[];
}

export interface CollectorTls {
  /** PEM file paths. */
  cert: string;
  key: string;
  /** CA that signs agent client certificates (mTLS); without it no client cert is asked for. */
  ca?: string;
  /** Refuse connections without a valid client certificate (mTLS only, no bearer tokens). */
  require_client_cert: boolean;
}

export interface CollectorLimits {
  /** Largest Push request accepted, bytes (on the wire, before inflating the body). */
  max_batch_bytes: number;
  max_batch_lines: number;
  max_batch_readings: number;
  /** Longest string field of a line or reading, characters. */
  max_string_length: number;
}

export interface CollectorIngest {
  /** Worker threads that decode and validate batches beside the thread that commits; 0 = none. */
  stage_workers: number;
}

/** The query API: HTTP on `listen`, gRPC on the collector's own port (docs/query-api.md). */
export interface CollectorQuery {
  listen: string;
  /** Bearer token → scope, `tokens` and `tokens_file` merged. */
  tokens: Record<string, QueryGrant>;
  sovereignty: SovereigntyPolicies;
}

export interface CollectorConfig {
  /** gRPC listen address, host:port. */
  listen: string;
  /** /metrics and /healthz, host:port. */
  metrics_listen: string;
  tls?: CollectorTls;
  auth: {
    /** Bearer token → grant. Tokens are secrets: prefer tokens_file. */
    tokens: Record<string, TokenGrant>;
    /** YAML or JSON file with the same mapping as `tokens`, merged into it. */
    tokens_file?: string;
  };
  /** Serve without TLS; only honoured when `listen` is a loopback address. */
  allow_plaintext_loopback: boolean;
  /** The embedded DuckDB file (default) or a ClickHouse server (collector/store/create-store.ts). */
  store: StoreConfig;
  limits: CollectorLimits;
  /** Absent: the defaults (collector/ingest/stage-pool.ts `defaultStageWorkers`). */
  ingest?: CollectorIngest;
  /** Absent: no query API. */
  query?: CollectorQuery;
}
