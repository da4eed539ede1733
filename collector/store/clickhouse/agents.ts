/**
 * Agent state derived from batch receipts (agent_batches, one row per committed arrival) at
 * query time. Several collectors write receipts for one agent when it fails over, in any
 * order, so the state must not depend on arrival order: the current boot is the boot of the
 * latest receipt, `lastSeq` its highest sequence number, and the gaps are the numbers missing
 * between its lowest and highest received sequence number. This equals the DuckDB store's
 * arrival-ordered tracking whenever a boot's first batch is its lowest (the agent numbers
 * batches upwards); unlike it, a batch older than the first one seen also reveals the gap
 * between them.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { AgentState, SiteInfo } from "../types.js";
import { selectRows } from "./client.js";

interface AgentRow extends Record<string, unknown> {
  agent_id: string;
  cur_boot: string;
  last_us: string;
  batches: string;
  lines: string;
  site_json: string;
  last_seq: string;
  gap_from: (string | number)[];
  gap_to: (string | number)[];
}

export async function readAgents(client: ClickHouseClient, db: string): Promise<AgentState[]> {
  const rows = await selectRows<AgentRow>(
    client,
    `SELECT agent_id, cur_boot, last_us, batches, lines, site_json, last_seq, gap_from, gap_to
FROM (
  SELECT agent_id, argMax(boot_id, received_us) AS cur_boot, max(received_us) AS last_us,
    count() AS batches, sum(lines) AS lines, argMaxIf(site, received_us, site != '') AS site_json
  FROM ${db}.agent_batches GROUP BY agent_id
) ANY LEFT JOIN (
  SELECT agent_id, boot_id AS cur_boot, max(seq) AS last_seq,
    arraySort(groupUniqArray(seq)) AS seqs,
    arrayMap(x -> x + 1, arrayFilter((a, b) -> b > a + 1, arrayPopBack(seqs), arrayPopFront(seqs))) AS gap_from,
    arrayMap(x -> x - 1, arrayFilter((b, a) -> b > a + 1, arrayPopFront(seqs), arrayPopBack(seqs))) AS gap_to
  FROM ${db}.agent_batches
  WHERE (agent_id, boot_id) IN (
    SELECT agent_id, argMax(boot_id, received_us) FROM ${db}.agent_batches GROUP BY agent_id)
  GROUP BY agent_id, boot_id
) USING (agent_id, cur_boot)
ORDER BY agent_id`,
  );
  return rows.map((r) => {
    const state: AgentState = {
      agentId: r.agent_id,
      bootId: r.cur_boot,
      lastSeq: Number(r.last_seq),
      lastSeenMs: Math.floor(Number(r.last_us) / 1000),
      batches: Number(r.batches),
      lines: Number(r.lines),
      gaps: r.gap_from.map((from, i) => ({ fromSeq: Number(from), toSeq: Number(r.gap_to[i]) })),
    };
    if (r.site_json !== "") state.site = JSON.parse(r.site_json) as SiteInfo;
    return state;
  });
}
