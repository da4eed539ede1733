/**
 * The embedded DuckDB store (the collector's default). One database file, one connection for
 * writes and queries, one task at a time (a queue): DuckDB serialises writers anyway. Re-pricing
 * reads its chunks on a second connection, beside that queue. Concurrent `ingest` calls
 * are group-committed: batches waiting while a commit runs go into the next transaction
 * together, and each call resolves after that COMMIT (group-commit.ts, ingest.ts). A
 * committed transaction is in DuckDB's fsynced write-ahead log before `ingest` resolves, so
 * it survives a process kill; DuckDB checkpoints the log into the file by itself and on
 * shutdown. Design and measurements: docs/collector-store.md.
 */
import { rmSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { StoreError } from "../errors.js";
import type {
  AgentState,
  AggregateQuery,
  AggregateRow,
  IngestBatch,
  IngestColumnsBatch,
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
import { AgentBook, readAgents } from "./agents.js";
import { aggregate } from "./aggregate.js";
import { Catalog } from "./catalog.js";
import type { Driver } from "./chunk-writer.js";
import {
  type DuckDbHandle,
  type DuckDbModule,
  loadBindings,
  loadDuckDb,
  openDuckDb,
} from "./driver.js";
import { GroupCommitter } from "./group-commit.js";
import { commitGroup } from "./ingest.js";
import { migrate } from "./migrate.js";
import { type Prepared, prepare } from "./prepare.js";
import * as q from "./queries.js";
import * as rp from "./reprice.js";
import { RollupCompactor } from "./rollup-cells.js";
import { SCHEMA_VERSION, schemaSql, stagingSql } from "./schema.js";
import { makeScratchDir } from "./scratch.js";

/**
 * Under load, a commit that would hold fewer rows waits up to 8 ms for more (group-commit.ts):
 * fewer fsyncs and round trips per row. On 2 cores with 5,000-line batches, 8 in flight, five
 * interleaved pairs gave medians of 230k, 224k, 231k, 237k, 234k lines/s against 229k, 218k,
 * 212k, 225k, 223k without (docs/collector-ingest.md); an idle collector never waits.
 */
const GROUP_LINGER = { minRows: 25_000, ms: 8, busyMs: 50 };

/**
 * DuckDB settings of a writable store. The WAL is checkpointed into the file once it holds
 * this much: a checkpoint rewrites whole row groups, so a larger threshold means fewer
 * rewrites per line (measured in docs/collector-store.md) at the price of a longer WAL replay
 * after a crash. Insertion order is kept (a query may rely on it); it does not slow appends.
 */
const WRITE_SETTINGS = { checkpoint_threshold: "256MB" };

/** A commit stops taking more waiting batches once it holds this many lines. */
const GROUP_MAX_LINES = 50_000;

export interface DuckDbStoreOptions {
  /** Database file; `:memory:` for a throwaway store. */
  path: string;
  /** Open without writing (export from a copy, inspection). */
  readOnly?: boolean;
  /** Clock for ingest and last-seen times, epoch ms. */
  nowMs?: () => number;
}

export class DuckDbStore implements Store {
  readonly path: string;
  private readonly readOnly: boolean;
  private readonly nowMs: () => number;
  private handle: DuckDbHandle | undefined;
  private duckdb: DuckDbModule | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Re-pricing reads chunks on a second connection, in their own queue, so the next chunk's
   * read runs on DuckDB's threads while the current one is written on the first.
   */
  private reader: DuckDBConnection | undefined;
  private readQueue: Promise<unknown> = Promise.resolve();
  private readonly agentBook = new AgentBook();
  private readonly catalog = new Catalog();
  private readonly compactor = new RollupCompactor();
  private readonly committer = new GroupCommitter<Prepared, IngestResult>({
    schedule: (task) => this.serial(() => task()),
    commit: (group) => this.commit(group),
    rows: (p) => p.lines.rowCount + p.readings.readings.rowCount,
    maxRows: GROUP_MAX_LINES,
    linger: GROUP_LINGER,
  });
  private driver: Driver | undefined;

  constructor(options: DuckDbStoreOptions) {
    if (options.path === "") throw new StoreError("TW_ERR_STORE_OPEN", "store path is empty");
    this.path = options.path;
    this.readOnly = options.readOnly ?? false;
    this.nowMs = options.nowMs ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.handle !== undefined) return;
    if (this.closed) {
      throw new StoreError("TW_ERR_STORE_CLOSED", "store was shut down", { path: this.path });
    }
    this.duckdb = await loadDuckDb();
    this.driver = { duckdb: this.duckdb, bindings: loadBindings() };
    this.handle = await openDuckDb(
      this.path,
      this.readOnly ? { access_mode: "READ_ONLY" } : WRITE_SETTINGS,
    );
    const c = this.handle.connection;
    if (!this.readOnly) {
      await migrate(c, this.path);
      for (const sql of schemaSql()) await c.run(sql);
      const v = (await c.runAndReadAll("SELECT max(version) FROM schema_info")).getRowsJS()[0][0];
      if (v === null) await c.run(`INSERT INTO schema_info VALUES (${SCHEMA_VERSION})`);
      for (const sql of stagingSql()) await c.run(sql);
      await this.agentBook.load(c);
    }
  }

  /** Idempotent; waits for a running ingest, checkpoints, closes. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A running group commit may queue one more for batches that arrived meanwhile.
    for (;;) {
      const [queue, reads] = [this.queue, this.readQueue];
      await Promise.all([queue, reads]);
      if (queue === this.queue && reads === this.readQueue) break;
    }
    const h = this.handle;
    this.handle = undefined;
    if (h === undefined) return;
    if (this.scratch !== undefined) rmSync(this.scratch, { recursive: true, force: true });
    try {
      this.reader?.closeSync();
      this.reader = undefined;
      if (!this.readOnly) {
        await this.compactor.compact(h.connection);
        await h.connection.run("CHECKPOINT");
      }
    } finally {
      h.connection.closeSync();
      h.instance.closeSync();
    }
  }

  /** The open connection, for read paths such as the FOCUS export. */
  connection(): DuckDBConnection {
    if (this.handle === undefined) {
      throw new StoreError(
        "TW_ERR_STORE_CLOSED",
        this.closed ? "store was shut down" : "store not started",
        { path: this.path },
      );
    }
    return this.handle.connection;
  }

  private serial<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => task(this.connection()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `task` on the re-pricing read connection, one at a time, beside the main queue. */
  private readSerial<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.readQueue.then(async () => {
      const handle = this.handle;
      if (handle === undefined) this.connection(); // throws: closed or not started
      this.reader ??= await handle!.instance.connect();
      return task(this.reader);
    });
    this.readQueue = run.catch(() => undefined);
    return run;
  }

  /** Validates now (a bad batch never reaches a transaction), commits with others waiting. */
  ingest(batch: IngestBatch | IngestColumnsBatch): Promise<IngestResult> {
    if (this.closed) return this.refuseClosed();
    let prepared: Prepared;
    try {
      prepared = prepare(batch);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.ingestPrepared(prepared);
  }

  /** `ingest` of a batch `prepare` (prepare.ts) already converted, e.g. in a stage worker. */
  ingestPrepared(batch: Prepared): Promise<IngestResult> {
    if (this.closed) return this.refuseClosed();
    return this.committer.submit(batch);
  }

  private refuseClosed(): Promise<never> {
    return Promise.reject(
      new StoreError("TW_ERR_STORE_CLOSED", "store was shut down", { path: this.path }),
    );
  }

  private async commit(group: Prepared[]): Promise<IngestResult[]> {
    try {
      const results = await commitGroup(
        {
          driver: this.driver!,
          connection: this.connection(),
          agents: this.agentBook,
          catalog: this.catalog,
          compactor: this.compactor,
          nowMs: this.nowMs(),
        },
        group,
      );
      if (this.compactor.due) {
        // Queued behind this commit. A failed compaction changes nothing (one transaction)
        // and is retried after the next commit; reads sum the cells either way.
        void this.serial((c) => this.compactor.compact(c)).catch(() => undefined);
      }
      return results;
    } catch (cause) {
      const one = group.length === 1 ? group[0].batch : undefined;
      throw new StoreError("TW_ERR_STORE_BATCH", "ingest failed, nothing stored", {
        path: this.path,
        agentId: one?.agentId,
        seq: one?.seq,
        cause,
      });
    }
  }

  putPriceVersion(version: PriceVersion): Promise<void> {
    return this.serial((c) => q.putPriceVersion(c, version));
  }

  priceVersions(): Promise<PriceVersion[]> {
    return this.serial((c) => q.priceVersions(c));
  }

  agents(): Promise<AgentState[]> {
    return this.serial((c) => readAgents(c));
  }

  lineTotals(filter: LineFilter = {}): Promise<LineTotals> {
    return this.serial((c) => q.lineTotals(c, filter));
  }

  rollup(query: RollupQuery): Promise<RollupRow[]> {
    return this.serial((c) => q.rollup(c, query));
  }

  aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    return this.serial((c) => aggregate(c, query));
  }

  // Re-pricing (reprice.ts). A chunk carries its label ids; its labels stay in the tables.
  private repriceReady = false;
  /** Where a chunk's lines file is written before DuckDB inserts it (removed at shutdown). */
  private scratch: string | undefined;

  private repriceSerial<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serial(async (c) => {
      if (!this.repriceReady) await rp.setupReprice(c);
      this.repriceReady = true;
      return task(c);
    });
  }

  countReadings(range: TimeRangeS): Promise<number> {
    return this.serial((c) => rp.countReadings(c, range));
  }

  repricedRanges(version: string): Promise<TimeRangeS[]> {
    return this.repriceSerial((c) => rp.repricedRanges(c, version));
  }

  hasLinesOfVersion(version: string): Promise<boolean> {
    return this.serial((c) => rp.hasLinesOfVersion(c, version));
  }

  /** On the read connection: may run while ingest or the previous chunk's write commits. */
  readReadingChunk(range: TimeRangeS): Promise<ReadingChunk> {
    if (this.closed) return this.refuseClosed();
    return this.readSerial((c) => rp.readReadingChunk(c, range));
  }

  writeRepricedLines(
    chunk: ReadingChunk,
    lines: RepricedLines,
    target: RepriceTarget,
  ): Promise<number> {
    return this.repriceSerial((c) => {
      // Lines written outside ingest: re-read labels and high-water marks before the next.
      this.catalog.invalidate();
      this.scratch ??= makeScratchDir();
      return rp.writeRepricedLines(
        this.driver!,
        c,
        chunk,
        lines,
        target,
        this.nowMs(),
        this.scratch,
      );
    });
  }

  /**
   * Runs `task` on the connection in the store's queue (no ingest interleaves). Unless the
   * caller promises `readOnly`, the task may have written lines, readings or labels, so the
   * ingest's labels and high-water marks are re-read (catalog.ts) before the next ingest.
   */
  withConnection<T>(
    task: (c: DuckDBConnection) => Promise<T>,
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    return this.serial((c) => {
      if (options.readOnly !== true) this.catalog.invalidate();
      return task(c);
    });
  }
}
