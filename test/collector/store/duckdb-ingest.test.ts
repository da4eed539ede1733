import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type { IngestBatch, StoredUsageLine } from "../../../collector/store/types.js";
import { generateUsage } from "../../helpers/usage-lines.js";

let dir: string;
let store: DuckDbStore;
const path = () => join(dir, "tw.duckdb");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tw-ingest-"));
  store = new DuckDbStore({ path: path() });
  await store.start();
});

afterEach(async () => {
  await store.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

// One agent, lines in time order as an agent sends them.
const lines = generateUsage({ agents: 1, gpusPerAgent: 4, windows: 100 }).lines.sort((a, b) =>
  a.ChargePeriodStart.localeCompare(b.ChargePeriodStart),
);
const batch = (part: StoredUsageLine[], seq: number): IngestBatch => ({
  agentId: part[0]?.x_AgentId ?? "a",
  bootId: "b1",
  seq,
  lines: part,
  readings: [],
});

async function count(sql: string): Promise<number> {
  return store.withConnection(async (c) => Number((await c.runAndReadAll(sql)).getRowsJS()[0][0]));
}

describe("DuckDbStore group commit and dedupe", () => {
  it("commits concurrent batches in one transaction, first occurrence wins", async () => {
    const second = lines.slice(300, 500);
    const results = await Promise.all([
      store.ingest(batch(lines.slice(0, 400), 1)),
      store.ingest(batch(second, 2)),
      store.ingest(batch(lines.slice(0, 400), 3)),
    ]);
    expect(results.map((r) => [r.inserted, r.duplicates])).toEqual([
      [400, 0],
      [100, 100],
      [0, 400],
    ]);
    expect(await count("SELECT count(DISTINCT x_IngestId) FROM usage_lines")).toBe(1);
    const [agent] = await store.agents();
    expect(agent).toMatchObject({ lastSeq: 3, batches: 3, lines: 500, gaps: [] });
  });

  it("dedupes late and overlapping lines against stored rows, also after a restart", async () => {
    await store.ingest(batch(lines.slice(200, 400), 1));
    // Older than everything stored (below the high-water mark), partly overlapping.
    expect(await store.ingest(batch(lines.slice(100, 250), 2))).toMatchObject({
      inserted: 100,
      duplicates: 50,
    });
    await store.shutdown();
    store = new DuckDbStore({ path: path() });
    await store.start();
    expect(await store.ingest(batch(lines.slice(0, 450), 3))).toMatchObject({
      inserted: 150,
      duplicates: 300,
    });
    expect((await store.lineTotals()).lines).toBe(450);
  });

  it("sees rows written outside ingest when deduping", async () => {
    await store.ingest(batch(lines.slice(0, 10), 1));
    // A line one day later, written directly: newer than anything ingest has stored.
    await store.withConnection((c) =>
      c.run(`INSERT INTO line_facts SELECT * REPLACE ("ChargePeriodStart" + INTERVAL 1 DAY AS "ChargePeriodStart")
FROM line_facts WHERE "ChargePeriodStart" = (SELECT min("ChargePeriodStart") FROM line_facts) LIMIT 1`),
    );
    const row = await store.withConnection(
      async (c) =>
        (
          await c.runAndReadAll(
            `SELECT "ResourceId", "x_Workload", "SubAccountId", "x_LineKind" FROM usage_lines ORDER BY "ChargePeriodStart" DESC LIMIT 1`,
          )
        ).getRowsJS()[0],
    );
    const original = lines.find(
      (l) =>
        l.ResourceId === row[0] &&
        l.x_Workload === row[1] &&
        l.SubAccountId === row[2] &&
        l.x_LineKind === row[3] &&
        l.ChargePeriodStart === lines[0].ChargePeriodStart,
    );
    expect(original).toBeDefined();
    const nextDay = new Date(Date.parse(lines[0].ChargePeriodStart) + 86_400_000)
      .toISOString()
      .replace(".000Z", "Z");
    const copy = { ...(original as StoredUsageLine), ChargePeriodStart: nextDay };
    expect(await store.ingest(batch([copy], 2))).toMatchObject({ inserted: 0, duplicates: 1 });
  });
});
