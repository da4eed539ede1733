/**
 * The background loop that empties the spool: the oldest unacknowledged batch is pushed
 * (one call in flight, deadline per call), and on STORED or REJECTED it is acknowledged in the
 * spool; any other outcome backs off (full jitter, no give-up) and fails over to the next
 * collector. The loop never rejects and never blocks the caller: sampling goes on whatever
 * the network does.
 */
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { AckStatus } from "../../wire/collector-service.js";
import type { Spool } from "../spool/spool.js";
import { Backoff, type BackoffOptions } from "./backoff.js";
import type { GrpcTransport, PushOutcome } from "./transport.js";

export interface ShipperCounters {
  pushes: number;
  ackedBatches: number;
  rejectedBatches: number;
  linesStored: number;
  linesDuplicate: number;
  linesRejected: number;
  bytesSent: number;
  /** Failed attempts by reason (gRPC status name or `ack_retry`). */
  retries: Map<string, number>;
  /** 1 while the last push reached a collector and got an ack. */
  connected: number;
}

export interface ShipperOptions {
  spool: Spool;
  transport: GrpcTransport;
  logger: Logger;
  /** Per-call deadline, ms; default 15 000. */
  deadlineMillis?: number;
  backoff?: Partial<BackoffOptions>;
  /** Poll for spooled work this often even without a notify (disk resumed etc.); default 1000. */
  idlePollMillis?: number;
}

export class Shipper {
  readonly counters: ShipperCounters = {
    pushes: 0,
    ackedBatches: 0,
    rejectedBatches: 0,
    linesStored: 0,
    linesDuplicate: 0,
    linesRejected: 0,
    bytesSent: 0,
    retries: new Map(),
    connected: 0,
  };
  private readonly backoff: Backoff;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private drainUntilMs = 0;

  constructor(private readonly o: ShipperOptions) {
    this.backoff = new Backoff({ initialMillis: 250, maxMillis: 10_000, ...o.backoff });
  }

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      this.o.logger.error({ err }, "shipper: loop failed");
    });
  }

  /** New work was spooled: ship it now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  /**
   * Ships what is spooled for up to `drainMillis`, then stops (an unfinished call is
   * cancelled; its batch stays in the spool for the next start). Idempotent.
   */
  async stop(drainMillis: number): Promise<void> {
    if (this.loop === undefined) return;
    this.drainUntilMs = Date.now() + drainMillis;
    const timer = setTimeout(() => {
      this.stopping = true;
      this.o.transport.close();
      this.wake?.();
    }, drainMillis);
    timer.unref();
    this.notify();
    await this.loop;
    clearTimeout(timer);
    this.stopping = true;
    this.o.transport.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref();
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    const poll = this.o.idlePollMillis ?? 1000;
    while (!this.stopping) {
      const entry = await this.o.spool.nextUnacked();
      if (entry === undefined) {
        if (this.drainUntilMs > 0) return; // drained
        await this.sleep(poll);
        continue;
      }
      const outcome = await this.o.transport.push(entry.payload, this.o.deadlineMillis ?? 15_000);
      if (this.stopping) return;
      this.counters.pushes++;
      if (this.settle(entry.seq, entry.payload.length, outcome)) {
        this.backoff.reset();
        continue;
      }
      this.o.transport.failover();
      if (this.drainUntilMs > 0) return; // no retries while shutting down: the spool keeps it
      await this.sleep(this.backoff.next());
    }
  }

  /** True when the batch is settled (acknowledged in the spool). */
  private settle(seq: number, bytes: number, outcome: PushOutcome): boolean {
    const log = this.o.logger;
    if (outcome.kind === "error") {
      this.counters.connected = 0;
      const reason = (status[outcome.code] ?? "UNKNOWN").toLowerCase();
      this.retry(reason);
      const auth =
        outcome.code === status.UNAUTHENTICATED || outcome.code === status.PERMISSION_DENIED;
      const level = auth || this.backoff.attempts % 10 === 0 ? "error" : "warn";
      log[level](
        {
          seq,
          url: outcome.url,
          code: reason,
          err: outcome.message,
          attempt: this.backoff.attempts,
        },
        "shipper: push failed, will retry",
      );
      return false;
    }
    this.counters.connected = 1;
    const { ack } = outcome;
    if (ack.status === AckStatus.ACK_STATUS_STORED) {
      this.counters.ackedBatches++;
      this.counters.bytesSent += bytes;
      this.counters.linesStored += ack.linesStored;
      this.counters.linesDuplicate += ack.linesDuplicate;
      this.counters.linesRejected += ack.linesRejected ?? 0;
      if ((ack.linesRejected ?? 0) > 0) {
        log.error(
          { seq, url: outcome.url, rejected: ack.linesRejected, detail: ack.message },
          "shipper: collector rejected lines",
        );
      }
      this.o.spool.ack(seq);
      return true;
    }
    if (ack.status === AckStatus.ACK_STATUS_REJECTED) {
      // The collector will never take it; keeping it would block every later batch.
      this.counters.rejectedBatches++;
      log.error(
        { seq, url: outcome.url, err: ack.message },
        "shipper: collector rejected the batch; dropped",
      );
      this.o.spool.ack(seq);
      return true;
    }
    this.retry("ack_retry");
    log.warn({ seq, url: outcome.url, err: ack.message }, "shipper: collector asked to retry");
    return false;
  }

  private retry(reason: string): void {
    this.counters.retries.set(reason, (this.counters.retries.get(reason) ?? 0) + 1);
  }
}
