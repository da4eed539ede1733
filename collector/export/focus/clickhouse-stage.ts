/**
 * Copies the lines a FOCUS export selects (clickhouse-sql.ts) and the agents' site metadata
 * from a ClickHouse store into a DuckDB store, through its normal `ingest` (validated,
 * deduplicated, durable at commit). Memory stays bounded for any range: the range is read in
 * spans of about `chunkLines` stored rows (planned from per-hour counts, so the server's
 * dedupe state is bounded too), each span streamed and ingested `chunkLines` lines at a time.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { formatUtcSeconds } from "../../../kernel/src/usage-line.js";
import { selectRows } from "../../store/clickhouse/client.js";
import type { ClickHouseStore } from "../../store/clickhouse/store.js";
import type { DuckDbStore } from "../../store/duckdb/store.js";
import type { LineFilter, SiteInfo, StoredUsageLine } from "../../store/types.js";
import { hourCountsSql, planSpans, type StartSpan, stageLinesSql } from "./clickhouse-sql.js";

export interface StageProgress {
  /** Lines staged so far. */
  staged: number;
  /** Stored rows in the range (copies and other price versions included): an upper bound. */
  estimate: number;
}

export interface StageOptions {
  /** Lines per span read and per ingest (default 50 000). */
  chunkLines?: number;
  /** Called after each ingested chunk. */
  onProgress?: (progress: StageProgress) => void;
}

/** Boot id of the staged batches: the staging store is throwaway, its sequence state unused. */
const STAGE_BOOT = "focus-export-stage";

/** Ingests lines into the DuckDB store, one batch per agent, tracking each agent's seq. */
class Stager {
  staged = 0;
  private readonly seq = new Map<string, number>();

  constructor(
    private readonly target: DuckDbStore,
    private readonly sites: ReadonlyMap<string, SiteInfo>,
  ) {}

  private next(agentId: string): number {
    const s = (this.seq.get(agentId) ?? 0) + 1;
    this.seq.set(agentId, s);
    return s;
  }

  /** Registers every known agent (with its site) so the export sees all of them, as it would. */
  async registerAgents(agentIds: readonly string[]): Promise<void> {
    await Promise.all(agentIds.map((id) => this.ingest(id, [])));
  }

  private async ingest(agentId: string, lines: StoredUsageLine[]): Promise<void> {
    const site = this.sites.get(agentId);
    await this.target.ingest({
      agentId,
      bootId: STAGE_BOOT,
      seq: this.next(agentId),
      lines,
      readings: [],
      ...(site === undefined ? {} : { site }),
    });
  }

  async flush(lines: readonly StoredUsageLine[]): Promise<void> {
    const byAgent = new Map<string, StoredUsageLine[]>();
    for (const l of lines) {
      const group = byAgent.get(l.x_AgentId);
      if (group === undefined) byAgent.set(l.x_AgentId, [l]);
      else group.push(l);
    }
    // Concurrent ingests of one flush are group-committed by the DuckDB store.
    await Promise.all([...byAgent].map(([id, group]) => this.ingest(id, group)));
    this.staged += lines.length;
  }
}

/** A selected row (times as epoch seconds) → the stored line it was (the ingest validates). */
function toLine(row: Record<string, unknown>): StoredUsageLine {
  const { ChargePeriodStart_s: start, ChargePeriodEnd_s: end, ...rest } = row;
  return {
    ...rest,
    ChargePeriodStart: formatUtcSeconds(Number(start)),
    ChargePeriodEnd: formatUtcSeconds(Number(end)),
  } as unknown as StoredUsageLine;
}

async function stageSpan(
  client: ClickHouseClient,
  sql: string,
  stager: Stager,
  chunkLines: number,
  report: () => void,
): Promise<void> {
  const rs = await client.query({ query: sql, format: "JSONEachRow" });
  let buffer: StoredUsageLine[] = [];
  for await (const rows of rs.stream<Record<string, unknown>>()) {
    for (const row of rows) buffer.push(toLine(row.json()));
    // Awaiting here pauses the HTTP stream: at most one chunk (plus one stream block) in memory.
    if (buffer.length >= chunkLines) {
      await stager.flush(buffer);
      buffer = [];
      report();
    }
  }
  if (buffer.length > 0) {
    await stager.flush(buffer);
    report();
  }
}

/** Stages the lines `filter` selects; resolves the number of lines staged. */
export async function stageFromClickHouse(
  source: ClickHouseStore,
  target: DuckDbStore,
  filter: LineFilter,
  options: StageOptions = {},
): Promise<number> {
  const chunkLines = options.chunkLines ?? 50_000;
  const client = source.connection();
  const db = source.database;
  const agents = await source.agents();
  const sites = new Map<string, SiteInfo>();
  for (const a of agents) if (a.site !== undefined) sites.set(a.agentId, a.site);
  const stager = new Stager(target, sites);
  await stager.registerAgents(agents.map((a) => a.agentId));

  const hours = (await selectRows<{ h: number; n: string }>(client, hourCountsSql(db, filter))).map(
    (r) => ({ h: Number(r.h), n: Number(r.n) }),
  );
  const estimate = hours.reduce((s, r) => s + r.n, 0);
  const spans: StartSpan[] = planSpans(hours, chunkLines);
  const report = () => options.onProgress?.({ staged: stager.staged, estimate });
  for (const span of spans) {
    await stageSpan(client, stageLinesSql(db, filter, span), stager, chunkLines, report);
  }
  return stager.staged;
}
