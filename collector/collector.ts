/**
 * The collector process: store (DuckDB by default) → gRPC receiver → /metrics. Start order
 * opens the store before accepting batches; shutdown stops accepting, lets in-flight batches
 * commit and ack, then checkpoints and closes the store.
 */
import pino, { type Logger } from "pino";
import { MetricsServer } from "../agent/runtime/metrics-server.js";
import type { Component } from "../agent/sources/types.js";
import type { CollectorConfig } from "./config/types.js";
import { CollectorMetrics } from "./ingest/metrics.js";
import { GrpcReceiver } from "./ingest/server.js";
import { addQueryService } from "./query/grpc-service.js";
import { type QueryHttpServer, startQueryServer } from "./query/http-server.js";
import { DuckDbStore } from "./store/duckdb/store.js";
import type { Store } from "./store/types.js";

export interface CollectorOptions {
  config: CollectorConfig;
  /** Overrides config.store (tests). */
  store?: Store;
  logger?: Logger;
}

export class Collector implements Component {
  readonly store: Store;
  readonly metrics: CollectorMetrics;
  readonly receiver: GrpcReceiver;
  private readonly http: MetricsServer;
  private readonly logger: Logger;
  private starting: Promise<void> | undefined;
  private queryHttp: QueryHttpServer | undefined;
  private readonly config: CollectorConfig;
  private closing: Promise<void> | undefined;

  constructor(options: CollectorOptions) {
    const { config } = options;
    this.config = config;
    this.logger = options.logger ?? pino({ name: "tokenwatt-collector" });
    this.store = options.store ?? defaultStore(config);
    this.metrics = new CollectorMetrics(() => this.store.agents());
    const query = config.query;
    this.receiver = new GrpcReceiver({
      config,
      store: this.store,
      metrics: this.metrics,
      logger: this.logger,
      ...(query === undefined
        ? {}
        : {
            addServices: (server) =>
              addQueryService(server, {
                store: this.store,
                auth: query.tokens,
                sovereignty: query.sovereignty,
              }),
          }),
    });
    this.http = new MetricsServer(config.metrics_listen, this.metrics.registry, () => ({
      ok: this.starting !== undefined && this.closing === undefined,
      detail: { grpc: this.receiver.address },
    }));
  }

  /** gRPC host:port as bound. */
  get address(): string {
    return this.receiver.address;
  }

  get metricsAddress(): string {
    return this.http.address;
  }

  /** The query API's HTTP host:port as bound, when `query:` is configured. */
  get queryAddress(): string | undefined {
    return this.queryHttp?.address;
  }

  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.store.start();
      await this.http.start();
      await this.receiver.start();
      const q = this.config.query;
      if (q !== undefined) {
        this.queryHttp = await startQueryServer({
          store: this.store,
          listen: q.listen,
          auth: q.tokens,
          sovereignty: q.sovereignty,
        });
      }
    })();
    return this.starting;
  }

  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.queryHttp?.shutdown();
      await this.receiver.shutdown();
      await this.store.shutdown();
      await this.http.shutdown();
      this.logger.info("collector stopped");
    })();
    return this.closing;
  }
}

/** The embedded store built synchronously; other kinds come from createStore (async). */
function defaultStore(config: CollectorConfig): Store {
  if (config.store.kind === "duckdb") return new DuckDbStore({ path: config.store.path });
  throw new Error(
    `store kind "${config.store.kind}": build it with createStore(config.store) (collector/store/create-store.ts) and pass it as options.store`,
  );
}
