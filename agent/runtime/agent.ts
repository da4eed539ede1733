import type { Logger } from "pino";
import type { Kernel } from "../../kernel/src/types.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import { graceSeconds } from "../bootstrap.js";
import { CaptureWriter, STATE_SOURCE } from "../capture/capture-writer.js";
import type { AgentConfig } from "../config/types.js";
import type { IdleLearner } from "../meter/idle-learner.js";
import { Meter } from "../meter/meter.js";
import type { MeterPlan } from "../meter/plan.js";
import type { WindowResult } from "../meter/window.js";
import { AgentMetrics } from "../metrics/agent-metrics.js";
import type { LineSink } from "../sinks/line-sink.js";
import type { Component, FetchResult, Source } from "../sources/types.js";
import type { IdleStateStore } from "./idle-state-store.js";
import { MetricsServer } from "./metrics-server.js";

export interface AgentDeps {
  config: AgentConfig;
  kernel: Kernel;
  plan: MeterPlan;
  sources: Source[];
  sink: LineSink;
  learner: IdleLearner;
  idleStore?: IdleStateStore;
  logger: Logger;
  /** Turns a finished window into usage lines (kernel/src/lines.ts via the plan's labels). */
  toLines: (w: WindowResult) => UsageLine[];
  /** Capture file to record every scrape into. */
  recordPath?: string;
  /** Wall clock, epoch ms (injectable for tests). */
  now?: () => number;
}

/**
 * The live agent: scrapes every source each interval (each on its own, with its own
 * timeout, so one slow or dead exporter never holds up the others), meters finished
 * windows, hands their lines to the sink, and serves /metrics and /healthz.
 */
export class Agent implements Component {
  readonly metrics: AgentMetrics;
  readonly meter: Meter;
  private readonly server: MetricsServer;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lastOkMs = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private capture: CaptureWriter | undefined;
  private sinkChain: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;
  private windowsDone = 0;
  private readonly now: () => number;

  constructor(private readonly deps: AgentDeps) {
    this.now = deps.now ?? Date.now;
    this.metrics = new AgentMetrics(deps.kernel, deps.config.prices.currency);
    const c = deps.config;
    this.meter = new Meter(deps.kernel, deps.plan, {
      graceS: graceSeconds(c),
      learner: deps.learner,
      onReject: (source, reason) => this.metrics.rejected.inc({ source, reason }),
    });
    this.server = new MetricsServer(c.agent.listen, this.metrics.registry, () => this.health());
  }

  get listenAddress(): string {
    return this.server.address;
  }

  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    await this.server.start();
    if (this.deps.recordPath) {
      this.capture = new CaptureWriter(this.deps.recordPath);
      this.capture.write({
        ts: this.now(),
        source: STATE_SOURCE,
        body: JSON.stringify({ idle: this.deps.learner.snapshot() }),
      });
    }
    const intervalMs = this.deps.config.agent.scrape_interval_s * 1000;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    this.tick();
    this.deps.logger.info(
      { listen: this.server.address, sources: this.deps.sources.map((s) => s.config.name) },
      "agent started",
    );
  }

  /** One scrape round: every source not still busy with its previous scrape. */
  private tick(): void {
    if (this.stopped) return;
    for (const source of this.deps.sources) {
      const name = source.config.name;
      if (this.inFlight.has(name)) continue;
      const p = this.scrape(source).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, p);
    }
  }

  /** Each source enforces its own `timeout_s`; the signal only cancels on shutdown. */
  private async scrape(source: Source): Promise<void> {
    let result: FetchResult;
    try {
      result = await source.fetch(this.abort.signal);
    } catch (err) {
      result = { ok: false, retryable: true, error: err as Error, timeMs: this.now() };
    }
    if (this.stopped) return;
    this.handle(source, result);
  }

  /** Synchronous from capture write to meter ingest, so the capture order is the metering order. */
  private handle(source: Source, result: FetchResult): void {
    const name = source.config.name;
    if (!result.ok) {
      this.metrics.scrapeErrors.inc({ source: name, reason: errorReason(result.error) });
      this.deps.logger.warn({ source: name, err: result.error.message }, "scrape failed");
      return;
    }
    this.capture?.write({ ts: result.timeMs, source: name, body: result.body });
    const windows = ingestBody(
      this.meter,
      source,
      result.body,
      result.timeMs,
      (err) => {
        this.metrics.scrapeErrors.inc({ source: name, reason: "parse" });
        this.deps.logger.warn({ source: name, err: err.message }, "scrape body rejected");
      },
      (n) => this.metrics.rejected.inc({ source: name, reason: "discarded" }, n),
    );
    this.metrics.scrapes.inc({ source: name });
    this.lastOkMs.set(name, result.timeMs);
    for (const w of windows) this.finish(w);
  }

  private finish(w: WindowResult): void {
    this.windowsDone++;
    this.metrics.observeWindow(w);
    const lines = this.deps.toLines(w);
    this.sinkChain = this.sinkChain
      .then(() => this.deps.sink.write(lines, w))
      .catch((err: Error) => this.deps.logger.error({ err: err.message }, "sink write failed"));
    this.deps.idleStore?.save(this.deps.learner.snapshot());
  }

  private health() {
    const maxAgeMs = this.deps.config.agent.max_gap_s * 3 * 1000;
    const now = this.now();
    const sources = Object.fromEntries(
      this.deps.sources.map((s) => {
        const t = this.lastOkMs.get(s.config.name);
        return [s.config.name, t === undefined ? "never" : now - t <= maxAgeMs ? "ok" : "stale"];
      }),
    );
    const anyOk = Object.values(sources).includes("ok");
    return { ok: anyOk || this.windowsDone === 0, detail: { sources, windows: this.windowsDone } };
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await Promise.allSettled(this.inFlight.values());
    await this.sinkChain;
    await this.deps.sink.shutdown();
    await this.capture?.close();
    await this.deps.idleStore?.flush();
    await this.server.shutdown();
    this.deps.logger.info({ windows: this.windowsDone }, "agent stopped");
  }
}

/** Parses a body and meters it; a body that cannot be parsed is counted, never thrown. */
export function ingestBody(
  meter: Meter,
  source: Source,
  body: string,
  timeMs: number,
  onParseError: (err: Error) => void,
  onDiscarded: (n: number) => void = () => {},
): WindowResult[] {
  let scrape: ReturnType<Source["parse"]>;
  try {
    scrape = source.parse(body, timeMs);
  } catch (err) {
    onParseError(err as Error);
    return [];
  }
  if (scrape.discarded > 0) onDiscarded(scrape.discarded);
  return meter.ingest(scrape);
}

/** `TW_ERR_SOURCE_TIMEOUT` → `timeout`: a short, stable label for scrape_errors_total. */
export function errorReason(err: Error): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("TW_ERR_SOURCE_")) {
    return code.slice("TW_ERR_SOURCE_".length).toLowerCase();
  }
  return err.name === "TimeoutError" ? "timeout" : "fetch";
}
