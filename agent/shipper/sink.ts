/**
 * SpoolShipperSink: the agent's sink when `collector` is configured. Each window's lines and
 * GPU readings join the open batch; a batch closes at `batch_max_lines`, when it has been open
 * `batch_max_delay_s`, or at once when the next window cannot arrive before that deadline
 * (window_s ≥ batch_max_delay_s: every window is its own batch, durable as soon as it is
 * metered). A closed batch is encoded and appended to the spool (fdatasync) BEFORE it is
 * shipped; the shipper loop sends it in the background. `write` never waits on the network:
 * it resolves once the lines are in the open batch or durably spooled.
 *
 * kill -9 loses at most the open batch (lines younger than batch_max_delay_s when
 * window_s < batch_max_delay_s; nothing already metered otherwise except a window being
 * appended at that instant). Shutdown closes the open batch into the spool, ships for up to
 * `drainMillis`, and leaves the rest spooled for the next start.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import { encodeBatch } from "../../wire/batch-codec.js";
import type { GpuReading } from "../../wire/gpu-reading.js";
import type { CollectorSection } from "../config/types.js";
import type { WindowResult } from "../meter/window.js";
import type { LineSink } from "../sinks/line-sink.js";
import type { Component } from "../sources/types.js";
import { Spool } from "../spool/spool.js";
import type { SpoolOptions } from "../spool/types.js";
import { ShipperError } from "./errors.js";
import { registerShipMetrics } from "./metrics.js";
import { readingsOfWindow } from "./readings.js";
import { Shipper, type ShipperOptions } from "./shipper.js";
import { channelCredentials, GrpcTransport } from "./transport.js";

export interface SpoolShipperSinkOptions {
  agentId: string;
  windowS: number;
  collector: CollectorSection;
  spool: Omit<SpoolOptions, "logger">;
  logger: Logger;
  /** How long shutdown keeps shipping before it leaves the rest in the spool; default 5000 ms. */
  drainMillis?: number;
  shipper?: Pick<ShipperOptions, "deadlineMillis" | "backoff" | "idlePollMillis">;
  now?: () => number;
}

interface OpenBatch {
  lines: UsageLine[];
  readings: GpuReading[];
  openedMs: number;
}

export class SpoolShipperSink implements LineSink, Component {
  readonly spool: Spool;
  readonly shipper: Shipper;
  readonly bootId = randomUUID();
  private open: OpenBatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private encodeErrors = 0;
  private readonly now: () => number;

  constructor(private readonly o: SpoolShipperSinkOptions) {
    this.now = o.now ?? Date.now;
    this.spool = new Spool({ ...o.spool, logger: o.logger });
    const transport = new GrpcTransport(o.collector.urls, channelCredentials(o.collector));
    this.shipper = new Shipper({ spool: this.spool, transport, logger: o.logger, ...o.shipper });
  }

  registerMetrics(registry: Registry): void {
    registerShipMetrics(registry, {
      spool: this.spool.counters,
      shipper: this.shipper.counters,
      encodeErrors: () => this.encodeErrors,
      pendingLines: () => this.open?.lines.length ?? 0,
    });
  }

  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.spool.start();
      if (this.closing === undefined) this.shipper.start();
    })();
    return this.starting;
  }

  write(lines: UsageLine[], window: WindowResult): Promise<void> {
    if (this.closing !== undefined || (lines.length === 0 && window.gpus.length === 0)) {
      return Promise.resolve();
    }
    return this.serial(async () => {
      await this.start();
      const now = this.now();
      this.open ??= { lines: [], readings: [], openedMs: now };
      const b = this.open;
      for (const l of lines) b.lines.push(l);
      for (const r of readingsOfWindow(window)) b.readings.push(r);
      const delayMs = this.o.collector.batch_max_delay_s * 1000;
      const nextWindowTooLate = now - b.openedMs + this.o.windowS * 1000 > delayMs;
      if (b.lines.length >= this.o.collector.batch_max_lines || nextWindowTooLate) {
        await this.closeBatch();
      } else if (this.timer === undefined) {
        this.timer = setTimeout(() => this.onTimer(), Math.max(0, b.openedMs + delayMs - now));
        this.timer.unref();
      }
    });
  }

  private onTimer(): void {
    this.timer = undefined;
    this.serial(() => this.closeBatch()).catch((err: unknown) =>
      this.o.logger.error({ err }, "shipper: closing a batch failed"),
    );
  }

  /** Runs `fn` after every earlier write and close, in call order. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async closeBatch(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const b = this.open;
    this.open = undefined;
    if (b === undefined || (b.lines.length === 0 && b.readings.length === 0)) return;
    let encodeError: Error | undefined;
    const result = await this.spool.append((seq) => {
      const enc = encodeBatch(b.lines, b.readings, {
        agentId: this.o.agentId,
        bootId: this.bootId,
        sequence: seq,
        createdUnixMs: this.now(),
      });
      if (enc.ok) return enc.value;
      encodeError = enc.error;
      throw new ShipperError("TW_ERR_SHIP_ENCODE", enc.error.message, { cause: enc.error });
    });
    if (!result.ok) {
      if (encodeError !== undefined) this.encodeErrors += b.lines.length;
      this.o.logger.error(
        { err: result.error.message, lines: b.lines.length },
        "shipper: batch not spooled; its lines are lost",
      );
      return;
    }
    this.shipper.notify();
  }

  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      await this.serial(() => this.closeBatch()).catch(() => undefined);
      if (this.starting !== undefined) {
        await this.starting.catch(() => undefined);
        await this.shipper.stop(this.o.drainMillis ?? 5000);
      }
      await this.spool.shutdown();
    })();
    return this.closing;
  }
}
