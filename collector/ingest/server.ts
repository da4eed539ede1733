/**
 * The collector's gRPC receiver: the Collector service (Push) beside health and reflection,
 * on the configured credentials. Health turns SERVING once bound and NOT_SERVING when shutdown
 * begins; shutdown lets in-flight Pushes finish (their commits and acks) before it resolves.
 */
import { readFile } from "node:fs/promises";
import {
  Metadata,
  Server,
  type ServerUnaryCall,
  type ServiceError,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Component } from "../../agent/sources/types.js";
import {
  type AckMessage,
  COLLECTOR_SERVICE_NAME,
  collectorService,
} from "../../wire/collector-service.js";
import { addStandardServices, type StandardServices } from "../../wire/standard-services.js";
import type { CollectorConfig } from "../config/types.js";
import type { Store } from "../store/types.js";
import { Authenticator } from "./auth.js";
import { serverCredentials, type TlsMaterial } from "./credentials.js";
import { faultAfterCommit } from "./fault.js";
import type { CollectorMetrics } from "./metrics.js";
import { handlePush } from "./push.js";
import { defaultStageWorkers, StagePool, stageWorkerFile } from "./stage-pool.js";

const SHUTDOWN_GRACE_MS = 10_000;

export interface ReceiverDeps {
  config: CollectorConfig;
  store: Store;
  metrics: CollectorMetrics;
  logger: Logger;
  /** More services on the same port and credentials (the gRPC Query service). */
  addServices?: (server: Server) => void;
}

function grpcError(code: status, message: string): Partial<ServiceError> {
  return { code, details: message, message, metadata: new Metadata() };
}

export class GrpcReceiver implements Component {
  private server: Server | undefined;
  private services: StandardServices | undefined;
  private boundPort = 0;
  private state: "new" | "started" | "closed" = "new";
  private closing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stages: StagePool | undefined;

  constructor(private readonly deps: ReceiverDeps) {}

  /** host:port actually bound (port 0 in the config picks a free one). */
  get address(): string {
    const listen = this.deps.config.listen;
    return `${listen.slice(0, listen.lastIndexOf(":"))}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.state !== "new") return;
    this.state = "started";
    const { config, logger } = this.deps;
    const material = config.tls === undefined ? undefined : await readTls(config.tls);
    const auth = new Authenticator({
      tls: config.tls !== undefined,
      ...(material?.ca === undefined ? {} : { caPem: material.ca.toString("utf8") }),
      tlsVerifiesClient: config.tls?.require_client_cert ?? false,
      tokens: config.auth.tokens,
    });
    const server = new Server({
      "grpc.max_receive_message_length": config.limits.max_batch_bytes,
      "grpc.keepalive_time_ms": 60_000,
      "grpc.keepalive_timeout_ms": 20_000,
    });
    const afterCommit = faultAfterCommit();
    this.stages = this.startStages();
    const stage = this.stages?.run.bind(this.stages);
    server.addService(collectorService, {
      push: (call: ServerUnaryCall<Uint8Array, AckMessage>, cb: sendUnaryData<AckMessage>) => {
        const who = auth.authenticate(call.metadata, call.getAuthContext());
        if (!who.ok) {
          this.deps.metrics.refused.inc({ code: "unauthenticated" });
          logger.warn({ peer: call.getPeer(), err: who.message }, "push refused");
          cb(grpcError(who.code, who.message));
          return;
        }
        const work = handlePush(call.request, who.identity, {
          store: this.deps.store,
          limits: config.limits,
          metrics: this.deps.metrics,
          logger,
          afterCommit,
          ...(stage === undefined ? {} : { stage }),
        }).then(
          (out) => (out.ok ? cb(null, out.ack) : cb(grpcError(out.code, out.message))),
          (err: Error) => cb(grpcError(status.INTERNAL, `TW_ERR_INGEST: ${err.message}`)),
        );
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    });
    this.deps.addServices?.(server);
    this.services = addStandardServices(server);
    this.boundPort = await new Promise<number>((ok, fail) =>
      server.bindAsync(config.listen, serverCredentials(config.tls, material), (e, port) =>
        e ? fail(e) : ok(port),
      ),
    );
    this.server = server;
    this.services.health.setStatus("", "SERVING");
    this.services.health.setStatus(COLLECTOR_SERVICE_NAME, "SERVING");
    logger.info(
      { listen: this.address, tls: config.tls !== undefined },
      "collector: gRPC listening",
    );
  }

  shutdown(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  /** The stage workers (`ingest.stage_workers`), or none: Pushes then stage on this thread. */
  private startStages(): StagePool | undefined {
    const { config, logger } = this.deps;
    const size = config.ingest?.stage_workers ?? defaultStageWorkers();
    if (size === 0) return undefined;
    const file = stageWorkerFile();
    if (file === undefined) {
      logger.warn(
        "collector: no built stage worker (dist/collector/ingest/stage-worker.js; run `npm run build`): staging on the main thread",
      );
      return undefined;
    }
    logger.debug({ workers: size }, "collector: stage workers");
    return new StagePool(size, file, logger);
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.state = "closed";
    if (server === undefined) return;
    this.services?.health.setStatus("", "NOT_SERVING");
    this.services?.health.setStatus(COLLECTOR_SERVICE_NAME, "NOT_SERVING");
    await new Promise<void>((done) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        done();
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        done();
      });
    });
    await Promise.allSettled([...this.inFlight]);
    await this.stages?.shutdown();
  }
}

async function readTls(tls: NonNullable<CollectorConfig["tls"]>): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all([
    readFile(tls.cert),
    readFile(tls.key),
    tls.ca === undefined ? undefined : readFile(tls.ca),
  ]);
  return { cert, key, ...(ca === undefined ? {} : { ca }) };
}
