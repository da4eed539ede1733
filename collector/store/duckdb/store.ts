/**
 * The embedded DuckDB store (the collector's default). One database file, one connection,
 * one ingest at a time (a queue): DuckDB serialises writers anyway, and one connection keeps
 * every batch a single transaction. A committed transaction is in DuckDB's write-ahead log
 * before `ingest` resolves, so it survives a process kill; DuckDB checkpoints the log into the
 * file by itself and on shutdown.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { StoreError } from "../errors.js";
import type {
  AgentState,
  IngestBatch,
  IngestResult,
  LineFilter,
  LineTotals,
  PriceVersion,
  RollupQuery,
  RollupRow,
  Store,
} from "../types.js";
import { readAgents, recordBatch } from "./agents.js";
import { appendColumns } from "./append.js";
import { type DuckDbHandle, type DuckDbModule, loadDuckDb, openDuckDb } from "./driver.js";
import {
  CLEAR_STAGES,
  insertLines,
  insertReadings,
  insertTokens,
  timestampLiteral,
  UPSERT_ROLLUP,
} from "./ingest-sql.js";
import * as q from "./queries.js";
import {
  CONTRIBUTION_COLUMNS,
  LINE_COLUMNS,
  READING_COLUMNS,
  SCHEMA_VERSION,
  schemaSql,
  stagingSql,
} from "./schema.js";
import { linesToColumns, readingsToColumns } from "./to-columns.js";

/** TIMESTAMP literals bounding staged epoch-second times (an empty range when none). */
function range(epochS: readonly (string | number)[]): [string, string] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of epochS as number[]) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi
    ? ["make_timestamp(0)", "make_timestamp(0)"]
    : [timestampLiteral(lo), timestampLiteral(hi)];
}

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
    this.handle = await openDuckDb(this.path, this.readOnly ? { access_mode: "READ_ONLY" } : {});
    const c = this.handle.connection;
    if (!this.readOnly) {
      for (const sql of schemaSql()) await c.run(sql);
      const v = (await c.runAndReadAll("SELECT max(version) FROM schema_info")).getRowsJS()[0][0];
      if (v === null) await c.run(`INSERT INTO schema_info VALUES (${SCHEMA_VERSION})`);
      for (const sql of stagingSql()) await c.run(sql);
    }
  }

  /** Idempotent; waits for a running ingest, checkpoints, closes. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    const h = this.handle;
    this.handle = undefined;
    if (h === undefined) return;
    try {
      if (!this.readOnly) await h.connection.run("CHECKPOINT");
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

  ingest(batch: IngestBatch): Promise<IngestResult> {
    // Validate before taking the queue: a bad batch never opens a transaction.
    let lines: ReturnType<typeof linesToColumns>;
    let readings: ReturnType<typeof readingsToColumns>;
    try {
      lines = linesToColumns(batch.lines);
      readings = readingsToColumns(batch.readings);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serial(async (c) => {
      const duckdb = this.duckdb!;
      const now = this.nowMs();
      await c.run("BEGIN TRANSACTION");
      try {
        for (const sql of CLEAR_STAGES) await c.run(sql);
        await appendColumns(duckdb, c, "stage_lines", LINE_COLUMNS, lines.values, lines.rowCount);
        await appendColumns(
          duckdb,
          c,
          "stage_readings",
          READING_COLUMNS,
          readings.readings.values,
          readings.readings.rowCount,
        );
        await appendColumns(
          duckdb,
          c,
          "stage_tokens",
          CONTRIBUTION_COLUMNS,
          readings.tokens.values,
          readings.tokens.rowCount,
        );
        const id = Number(
          (await c.runAndReadAll("SELECT nextval('ingest_ids')")).getRowsJS()[0][0],
        );
        const [lo, hi] = range(lines.values[0]);
        const inserted = (await c.run(insertLines(lo, hi), [id, now * 1000])).rowsChanged;
        if (inserted > 0) await c.run(UPSERT_ROLLUP, [id]);
        const [rlo, rhi] = range(readings.readings.values[1]);
        const readingsInserted = (await c.run(insertReadings(rlo, rhi), [id])).rowsChanged;
        await c.run(insertTokens(rlo, rhi));
        await recordBatch(c, { ...batch, lineCount: inserted }, now);
        await c.run("COMMIT");
        return {
          inserted,
          duplicates: lines.rowCount - inserted,
          readingsInserted,
          readingsDuplicates: readings.readings.rowCount - readingsInserted,
        };
      } catch (cause) {
        await c.run("ROLLBACK").catch(() => undefined);
        throw new StoreError("TW_ERR_STORE_BATCH", "ingest failed, nothing stored", {
          path: this.path,
          agentId: batch.agentId,
          seq: batch.seq,
          cause,
        });
      }
    });
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

  /** Runs `task` on the connection in the store's queue (no ingest interleaves). */
  withConnection<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serial(task);
  }
}
