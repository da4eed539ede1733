/**
 * The ClickHouse store: the Store contract on a ClickHouse server (18.16 or later), for
 * many collectors writing to one database. Ingests of one agent run one at a time in this
 * process (so a collector's own retries never race); ingests of different agents run in
 * parallel. Nothing here is process-local state: agent state, dedupe and price versions
 * live in the tables, so any collector can take over any agent.
 */
import { hostname } from "node:os";
import type { ClickHouseClient } from "@clickhouse/client";
import { StoreError } from "../errors.js";
import type {
  AgentState,
  AggregateQuery,
  AggregateRow,
  IngestBatch,
  IngestResult,
  LineFilter,
  LineTotals,
  PriceVersion,
  ReadingChunk,
  RepricedLines,
  RepriceTarget,
  RollupQuery,
  RollupRow,
  Store,
  TimeRangeS,
} from "../types.js";
import { readAgents } from "./agents.js";
import { aggregate } from "./aggregate.js";
import { type ClickHouseConnection, openClient } from "./client.js";
import { type IngestContext, ingestBatch } from "./ingest.js";
import * as q from "./queries.js";
import * as rp from "./reprice.js";
import { readReadingChunk } from "./reprice-read.js";
import { schemaSql } from "./schema.js";
import { checkDatabaseName } from "./sql.js";

export interface ClickHouseStoreOptions extends ClickHouseConnection {
  /** Database holding the tables, created if absent (default `tokenwatt`). */
  database?: string;
  /** Name recorded on stored lines and receipts (default `host:pid`). */
  collector?: string;
  /** Clock, epoch ms. */
  nowMs?: () => number;
}

/** The URL without credentials, for error messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid url)";
  }
}

export class ClickHouseStore implements Store {
  readonly database: string;
  /** `url/database`, credentials removed: the `path` of this store's errors. */
  readonly where: string;
  private readonly options: ClickHouseStoreOptions;
  private readonly collector: string;
  private readonly nowMs: () => number;
  private client: ClickHouseClient | undefined;
  private closed = false;
  private lastStamp = 0;
  private readonly agentQueues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: ClickHouseStoreOptions) {
    this.database = checkDatabaseName(options.database ?? "tokenwatt");
    this.where = `${safeUrl(options.url)}/${this.database}`;
    if (safeUrl(options.url) === "(invalid url)") {
      throw new StoreError("TW_ERR_STORE_OPEN", "ClickHouse url is not a valid URL", {
        path: this.where,
      });
    }
    this.options = options;
    this.collector = options.collector ?? `${hostname()}:${process.pid}`;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Connects and creates the database and tables if absent (idempotent, safe concurrently). */
  async start(): Promise<void> {
    if (this.client !== undefined) return;
    if (this.closed) {
      throw new StoreError("TW_ERR_STORE_CLOSED", "store was shut down", { path: this.where });
    }
    const client = openClient(this.options);
    try {
      const ping = await client.ping();
      if (!ping.success) throw ping.error;
      for (const sql of schemaSql(this.database)) await client.command({ query: sql });
    } catch (cause) {
      await client.close().catch(() => undefined);
      throw new StoreError("TW_ERR_STORE_OPEN", "cannot open the ClickHouse store", {
        path: this.where,
        cause,
      });
    }
    this.client = client;
  }

  /** Idempotent; lets admitted calls (queued ingests included) finish, then closes the pool. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight, ...this.agentQueues.values()]);
    const c = this.client;
    this.client = undefined;
    await c?.close();
  }

  /** The open client, for read paths such as an export. */
  connection(): ClickHouseClient {
    if (this.client === undefined || this.closed) {
      throw new StoreError(
        "TW_ERR_STORE_CLOSED",
        this.closed ? "store was shut down" : "store not started",
        { path: this.where },
      );
    }
    return this.client;
  }

  /** A strictly increasing µs timestamp (ties within a millisecond broken by +1). */
  private stamp(): number {
    this.lastStamp = Math.max(this.nowMs() * 1000, this.lastStamp + 1);
    return this.lastStamp;
  }

  /**
   * Runs `task` once `after` settles, with the client as of admission (calls after shutdown
   * are refused here; admitted ones finish before the pool closes). Driver failures become
   * StoreErrors with context.
   */
  private track<T>(
    task: (c: ClickHouseClient) => Promise<T>,
    code: "TW_ERR_STORE_QUERY" | "TW_ERR_STORE_BATCH",
    message: string,
    context: { agentId?: string; seq?: number } = {},
    after: Promise<unknown> = Promise.resolve(),
  ): Promise<T> {
    let client: ClickHouseClient;
    try {
      client = this.connection();
    } catch (error) {
      return Promise.reject(error);
    }
    const run = after
      .then(() => task(client))
      .catch((cause: unknown) => {
        if (cause instanceof StoreError) {
          if (cause.agentId !== undefined || context.agentId === undefined) throw cause;
          throw new StoreError(cause.code, cause.message.replace(/^TW_ERR_\w+: /, ""), {
            path: this.where,
            ...context,
            cause: cause.cause,
          });
        }
        throw new StoreError(code, message, { path: this.where, ...context, cause });
      });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  ingest(batch: IngestBatch): Promise<IngestResult> {
    if (!Number.isSafeInteger(batch.seq) || batch.seq < 0) {
      return Promise.reject(
        new StoreError("TW_ERR_STORE_BATCH", `seq must be a non-negative integer`, {
          path: this.where,
          agentId: batch.agentId,
          seq: batch.seq,
        }),
      );
    }
    const previous = this.agentQueues.get(batch.agentId) ?? Promise.resolve();
    const run = this.track(
      (client) => ingestBatch(this.context(client), batch),
      "TW_ERR_STORE_BATCH",
      "ingest failed; a retry of the batch stores what is missing",
      { agentId: batch.agentId, seq: batch.seq },
      previous,
    );
    const settled = run.catch(() => undefined);
    this.agentQueues.set(batch.agentId, settled);
    void settled.then(() => {
      if (this.agentQueues.get(batch.agentId) === settled) this.agentQueues.delete(batch.agentId);
    });
    return run;
  }

  /** A read (or small write) with the client and database; failures name `what`. */
  private query<T>(
    task: (c: ClickHouseClient, db: string) => Promise<T>,
    what: string,
  ): Promise<T> {
    return this.track((c) => task(c, this.database), "TW_ERR_STORE_QUERY", `${what} failed`);
  }

  private context(client: ClickHouseClient): IngestContext {
    const nowMs = this.nowMs();
    return { client, db: this.database, collector: this.collector, nowMs, stamp: this.stamp() };
  }

  putPriceVersion(v: PriceVersion): Promise<void> {
    return this.query((c, db) => q.putPriceVersion(c, db, v, this.stamp()), `put ${v.version}`);
  }

  priceVersions(): Promise<PriceVersion[]> {
    return this.query(q.priceVersions, "reading price versions");
  }

  agents(): Promise<AgentState[]> {
    return this.query(readAgents, "reading agent state");
  }

  lineTotals(filter: LineFilter = {}): Promise<LineTotals> {
    return this.query((c, db) => q.lineTotals(c, db, filter), "line totals");
  }

  rollup(query: RollupQuery): Promise<RollupRow[]> {
    return this.query((c, db) => q.rollup(c, db, query), "rollup");
  }

  aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    return this.query((c, db) => aggregate(c, db, query), "aggregate");
  }

  countReadings(range: TimeRangeS): Promise<number> {
    return this.query((c, db) => rp.countReadings(c, db, range), "counting readings");
  }

  repricedRanges(version: string): Promise<TimeRangeS[]> {
    return this.query((c, db) => rp.repricedRanges(c, db, version), `ranges of ${version}`);
  }

  readReadingChunk(range: TimeRangeS): Promise<ReadingChunk> {
    const what = `reading readings ${range.fromS}..${range.toS}`;
    return this.query((c, db) => readReadingChunk(c, db, range), what);
  }

  writeRepricedLines(chunk: ReadingChunk, lines: RepricedLines, t: RepriceTarget): Promise<number> {
    const what = `writing ${t.version} lines ${chunk.range.fromS}..${chunk.range.toS}`;
    return this.query((c) => rp.writeRepriced(this.context(c), chunk, lines, t), what);
  }

  hasLinesOfVersion(version: string): Promise<boolean> {
    return this.query((c, db) => rp.hasLinesOfVersion(c, db, version), `lines of ${version}`);
  }
}
