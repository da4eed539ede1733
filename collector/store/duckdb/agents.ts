/**
 * Per-agent sequence tracking. Within one boot, batch sequence numbers rise by one; a jump
 * opens a gap (the batches in between are missing), and a late or retried batch with a
 * number inside a gap closes that part of it. A new boot id starts a new sequence: gaps of
 * earlier boots stay in agent_gaps as history but are no longer reported as open.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AgentState, SiteInfo } from "../types.js";

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

async function readSeqState(
  connection: DuckDBConnection,
  agentId: string,
): Promise<SeqState | undefined> {
  const row = (
    await connection.runAndReadAll("SELECT boot_id, last_seq FROM agents WHERE agent_id = $1", [
      agentId,
    ])
  ).getRowsJS()[0];
  if (row === undefined) return undefined;
  const bootId = String(row[0]);
  const gaps = (
    await connection.runAndReadAll(
      "SELECT from_seq, to_seq FROM agent_gaps WHERE agent_id = $1 AND boot_id = $2 ORDER BY from_seq",
      [agentId, bootId],
    )
  )
    .getRowsJS()
    .map((g) => ({ fromSeq: Number(g[0]), toSeq: Number(g[1]) }));
  return { bootId, lastSeq: Number(row[1]), gaps };
}

/** Records a committed batch inside the caller's transaction. */
export async function recordBatch(
  connection: DuckDBConnection,
  batch: { agentId: string; bootId: string; seq: number; lineCount: number; site?: SiteInfo },
  nowMs: number,
): Promise<void> {
  const prev = await readSeqState(connection, batch.agentId);
  const next = advance(prev, batch.bootId, batch.seq);
  const site = batch.site === undefined ? null : JSON.stringify(batch.site);
  await connection.run(
    `INSERT INTO agents VALUES ($1, $2, CAST($3 AS BIGINT), make_timestamp(CAST($4 AS BIGINT)), 1, CAST($5 AS BIGINT), $6::JSON)
ON CONFLICT DO UPDATE SET boot_id = EXCLUDED.boot_id, last_seq = EXCLUDED.last_seq,
  last_seen = EXCLUDED.last_seen, batches = agents.batches + 1, lines = agents.lines + EXCLUDED.lines,
  site = coalesce(EXCLUDED.site, agents.site)`,
    [batch.agentId, next.bootId, next.lastSeq, nowMs * 1000, batch.lineCount, site],
  );
  await connection.run("DELETE FROM agent_gaps WHERE agent_id = $1 AND boot_id = $2", [
    batch.agentId,
    next.bootId,
  ]);
  for (const g of next.gaps) {
    await connection.run("INSERT INTO agent_gaps VALUES ($1, $2, $3, $4)", [
      batch.agentId,
      next.bootId,
      g.fromSeq,
      g.toSeq,
    ]);
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
