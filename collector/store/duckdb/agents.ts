/**
 * Per-agent sequence tracking. Within one boot, batch sequence numbers rise by one; a jump
 * opens a gap (the batches in between are missing), and a late or retried batch with a
 * number inside a gap closes that part of it. A new boot id starts a new sequence: gaps of
 * earlier boots stay in agent_gaps as history but are no longer reported as open.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AgentState, SiteInfo } from "../types.js";
import { sqlString } from "./driver.js";

export interface Gap {
  fromSeq: number;
  toSeq: number;
}

export interface SeqState {
  bootId: string;
  lastSeq: number;
  gaps: Gap[];
}

/** The state after batch `seq` of `bootId` arrived. Pure. */
export function advance(prev: SeqState | undefined, bootId: string, seq: number): SeqState {
  if (prev === undefined || prev.bootId !== bootId) return { bootId, lastSeq: seq, gaps: [] };
  if (seq > prev.lastSeq) {
    const gaps =
      seq > prev.lastSeq + 1
        ? [...prev.gaps, { fromSeq: prev.lastSeq + 1, toSeq: seq - 1 }]
        : prev.gaps;
    return { bootId, lastSeq: seq, gaps };
  }
  const gaps: Gap[] = [];
  for (const g of prev.gaps) {
    if (seq < g.fromSeq || seq > g.toSeq) gaps.push(g);
    else {
      if (g.fromSeq < seq) gaps.push({ fromSeq: g.fromSeq, toSeq: seq - 1 });
      if (seq < g.toSeq) gaps.push({ fromSeq: seq + 1, toSeq: g.toSeq });
    }
  }
  return { bootId, lastSeq: prev.lastSeq, gaps };
}

/** What the book keeps per agent: the agents row, site as JSON text, and the open gaps. */
interface AgentRecord extends SeqState {
  lastSeenMs: number;
  batches: number;
  lines: number;
  site: string | null;
}

/** One committed batch as the book needs it. */
export interface BatchRecord {
  agentId: string;
  bootId: string;
  seq: number;
  /** Lines the batch inserted. */
  lineCount: number;
  site?: SiteInfo;
}

/** The agents table's columns, in its order. */
const AGENT_COLUMNS = ["agent_id", "boot_id", "last_seq", "last_seen", "batches", "lines", "site"];

/** One agents row as SQL literals (AGENT_COLUMNS order). */
function agentRow(id: string, r: AgentRecord): string[] {
  const site = r.site === null ? "NULL::JSON" : `${sqlString(r.site)}::JSON`;
  const seen = `make_timestamp(${Math.round(r.lastSeenMs) * 1000})`;
  return [
    sqlString(id),
    sqlString(r.bootId),
    `${r.lastSeq}`,
    seen,
    `${r.batches}`,
    `${r.lines}`,
    site,
  ];
}

const tuple = (row: readonly string[]) => `(${row.join(", ")})`;

/** SQL that updates the stored rows of `rows` (agentRow each). */
function updateAgents(rows: readonly string[][]): string {
  const set = (value: (c: string, i: number) => string) =>
    AGENT_COLUMNS.slice(1)
      .map((c, i) => `${c} = ${value(c, i + 1)}`)
      .join(", ");
  if (rows.length === 1) {
    // One agent (the common case per commit on a small fleet): no VALUES join to plan.
    return `UPDATE agents SET ${set((_, i) => rows[0][i])} WHERE agent_id = ${rows[0][0]}`;
  }
  return `UPDATE agents SET ${set((c) => `v.${c}`)}
FROM (VALUES ${rows.map(tuple).join(", ")}) v(${AGENT_COLUMNS.join(", ")})
WHERE agents.agent_id = v.agent_id`;
}

function sameGaps(a: readonly Gap[], b: readonly Gap[]): boolean {
  return (
    a.length === b.length && a.every((g, i) => g.fromSeq === b[i].fromSeq && g.toSeq === b[i].toSeq)
  );
}

/**
 * Sequence state of every agent, held in memory: the store is the database's only writer,
 * so the book equals the agents/agent_gaps tables. A commit plans the next states (pure),
 * writes them inside its transaction, and applies them here only once COMMIT succeeded.
 */
export class AgentBook {
  private readonly records = new Map<string, AgentRecord>();

  async load(connection: DuckDBConnection): Promise<void> {
    this.records.clear();
    const rows = (
      await connection.runAndReadAll(
        `SELECT agent_id, boot_id, last_seq, epoch_ms(last_seen), batches, lines, CAST(site AS VARCHAR) FROM agents`,
      )
    ).getRowsJS();
    for (const r of rows) {
      this.records.set(String(r[0]), {
        bootId: String(r[1]),
        lastSeq: Number(r[2]),
        lastSeenMs: Number(r[3]),
        batches: Number(r[4]),
        lines: Number(r[5]),
        site: r[6] === null ? null : String(r[6]),
        gaps: [],
      });
    }
    const gaps = (
      await connection.runAndReadAll(
        `SELECT g.agent_id, g.from_seq, g.to_seq FROM agent_gaps g JOIN agents a
  ON a.agent_id = g.agent_id AND a.boot_id = g.boot_id ORDER BY g.agent_id, g.from_seq`,
      )
    ).getRowsJS();
    for (const g of gaps) {
      this.records.get(String(g[0]))?.gaps.push({ fromSeq: Number(g[1]), toSeq: Number(g[2]) });
    }
  }

  /** The records after `batches` (in order) and the SQL that stores them. Pure. */
  plan(
    batches: readonly BatchRecord[],
    nowMs: number,
  ): { next: Map<string, AgentRecord>; sql: string } {
    const next = new Map<string, AgentRecord>();
    for (const b of batches) {
      const prev = next.get(b.agentId) ?? this.records.get(b.agentId);
      const seq = advance(prev, b.bootId, b.seq);
      next.set(b.agentId, {
        ...seq,
        lastSeenMs: nowMs,
        batches: (prev?.batches ?? 0) + 1,
        lines: (prev?.lines ?? 0) + b.lineCount,
        site: b.site === undefined ? (prev?.site ?? null) : JSON.stringify(b.site),
      });
    }
    const fresh: string[][] = [];
    const known: string[][] = [];
    const gapSql: string[] = [];
    for (const [id, r] of next) {
      const prev = this.records.get(id);
      (prev === undefined ? fresh : known).push(agentRow(id, r));
      if (prev !== undefined && prev.bootId === r.bootId && sameGaps(prev.gaps, r.gaps)) continue;
      gapSql.push(
        `DELETE FROM agent_gaps WHERE agent_id = ${sqlString(id)} AND boot_id = ${sqlString(r.bootId)}`,
      );
      if (r.gaps.length > 0) {
        gapSql.push(
          `INSERT INTO agent_gaps VALUES ${r.gaps.map((g) => `(${sqlString(id)}, ${sqlString(r.bootId)}, ${g.fromSeq}, ${g.toSeq})`).join(", ")}`,
        );
      }
    }
    // Agents already stored are updated in place: an UPDATE costs DuckDB about half of an
    // INSERT OR REPLACE, which deletes and re-inserts the row and its key (3.6 against 7.5 ms
    // per commit in the ingest bench, docs/collector-ingest.md).
    const sql = [
      ...(fresh.length > 0
        ? [`INSERT OR REPLACE INTO agents VALUES ${fresh.map(tuple).join(", ")}`]
        : []),
      ...(known.length > 0 ? [updateAgents(known)] : []),
      ...gapSql,
    ].join(";\n");
    return { next, sql };
  }

  apply(next: ReadonlyMap<string, AgentRecord>): void {
    for (const [id, r] of next) this.records.set(id, r);
  }
}

export async function readAgents(connection: DuckDBConnection): Promise<AgentState[]> {
  const rows = (
    await connection.runAndReadAll(
      `SELECT a.agent_id, a.boot_id, a.last_seq, epoch_ms(a.last_seen), a.batches, a.lines, CAST(a.site AS VARCHAR),
  coalesce(list({'fromSeq': g.from_seq, 'toSeq': g.to_seq} ORDER BY g.from_seq) FILTER (WHERE g.from_seq IS NOT NULL), [])
FROM agents a LEFT JOIN agent_gaps g ON g.agent_id = a.agent_id AND g.boot_id = a.boot_id
GROUP BY ALL ORDER BY a.agent_id`,
    )
  ).getRowsJS();
  return rows.map((r) => {
    const state: AgentState = {
      agentId: String(r[0]),
      bootId: String(r[1]),
      lastSeq: Number(r[2]),
      lastSeenMs: Number(r[3]),
      batches: Number(r[4]),
      lines: Number(r[5]),
      gaps: (r[7] as { fromSeq: bigint; toSeq: bigint }[]).map((g) => ({
        fromSeq: Number(g.fromSeq),
        toSeq: Number(g.toSeq),
      })),
    };
    if (typeof r[6] === "string") state.site = JSON.parse(r[6]) as SiteInfo;
    return state;
  });
}
