/** Reads back the stored lines of one price version, ordered, as usage-line objects. */
import type { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type { StoredUsageLine } from "../../../collector/store/types.js";

export async function linesOf(store: DuckDbStore, version: string): Promise<StoredUsageLine[]> {
  return store.withConnection(async (c) => {
    const rows = (
      await c.runAndReadAll(
        `SELECT * EXCLUDE (x_IngestId, x_IngestTime, ChargePeriodStart, ChargePeriodEnd),
           strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodStart,
           strftime(ChargePeriodEnd, '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodEnd
         FROM usage_lines WHERE x_PriceVersion = $1
         ORDER BY ChargePeriodStart, x_AgentId, ResourceId, x_LineKind, x_Workload, SubAccountId`,
        [version],
      )
    ).getRowObjectsJS();
    return rows as unknown as StoredUsageLine[];
  });
}
