/**
 * The collector's /metrics. Counters are `_total` (rate() gives lines/s); per-agent last-seen
 * and sequence gaps come from the store's agent table when scraped (cached briefly so a busy
 * scraper cannot queue reads in front of ingest).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AgentState } from "../store/types.js";

const AGENT_CACHE_MS = 5000;

export class CollectorMetrics {
  readonly registry = new Registry();
  readonly linesIngested: Counter;
  readonly linesRejected: Counter;
  readonly linesDuplicate: Counter;
  readonly readingsRejected: Counter;
  readonly batches: Counter;
  readonly refused: Counter;
  readonly commitSeconds: Histogram;
  private cached: { atMs: number; agents: AgentState[] } | undefined;

  constructor(agents: () => Promise<AgentState[]>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.linesIngested = new Counter({
      name: "tokenwatt_collector_lines_ingested_total",
      help: "Usage lines durably stored (new natural keys); rate() is lines/s",
      registers,
    });
    this.linesRejected = new Counter({
      name: "tokenwatt_collector_lines_rejected_total",
      help: "Usage lines refused by validation, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.linesDuplicate = new Counter({
      name: "tokenwatt_collector_lines_duplicate_total",
      help: "Usage lines dropped because their natural key was already stored",
      registers,
    });
    this.readingsRejected = new Counter({
      name: "tokenwatt_collector_readings_rejected_total",
      help: "GPU readings refused by validation",
      registers,
    });
    this.batches = new Counter({
      name: "tokenwatt_collector_batches_total",
      help: "Push calls answered with an Ack, by status (stored, rejected, retry)",
      labelNames: ["status"],
      registers,
    });
    this.refused = new Counter({
      name: "tokenwatt_collector_calls_refused_total",
      help: "Push calls refused before decoding, by gRPC status (unauthenticated, permission_denied, …)",
      labelNames: ["code"],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: "tokenwatt_collector_commit_seconds",
      help: "Store commit latency of one batch (transaction begin to durable commit)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const read = async (): Promise<AgentState[]> => {
      const now = Date.now();
      if (this.cached === undefined || now - this.cached.atMs > AGENT_CACHE_MS) {
        this.cached = { atMs: now, agents: await agents().catch(() => this.cached?.agents ?? []) };
      }
      return this.cached.agents;
    };
    new Gauge({
      name: "tokenwatt_collector_agent_last_seen_seconds",
      help: "Unix time of the agent's last committed batch",
      labelNames: ["agent"],
      registers,
      async collect() {
        this.reset();
        for (const a of await read()) this.set({ agent: a.agentId }, a.lastSeenMs / 1000);
      },
    });
    new Gauge({
      name: "tokenwatt_collector_agent_sequence_gap_batches",
      help: "Batches missing from the agent's current sequence (gaps not yet filled by a retry)",
      labelNames: ["agent"],
      registers,
      async collect() {
        this.reset();
        for (const a of await read()) {
          this.set(
            { agent: a.agentId },
            a.gaps.reduce((n, g) => n + g.toSeq - g.fromSeq + 1, 0),
          );
        }
      },
    });
    new Gauge({
      name: "tokenwatt_collector_agent_last_sequence",
      help: "Sequence number of the agent's newest committed batch",
      labelNames: ["agent"],
      registers,
      async collect() {
        this.reset();
        for (const a of await read()) this.set({ agent: a.agentId }, a.lastSeq);
      },
    });
  }
}
