/**
 * Token rows carried by usage lines (schema.ts TOKEN_RDIM, token-carriers.ts): which line
 * carries which token row, and — through the DuckDB store — that every token row of every
 * stored reading is shown exactly once by gpu_reading_tokens and read by re-pricing,
 * however lines and readings are split across batches, repeated, reordered or committed
 * together.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prepare } from "../../../collector/store/duckdb/prepare.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import type {
  GpuReadingRow,
  IngestBatch,
  StoredUsageLine,
} from "../../../collector/store/types.js";
import { formatUtcSeconds } from "../../../kernel/src/usage-line.js";
import { generateUsage } from "../../helpers/usage-lines.js";

const data = generateUsage({ agents: 2, gpusPerAgent: 2, windows: 6 });
const agentOf = (id: string) => ({
  lines: data.lines.filter((l) => l.x_AgentId === id),
  readings: data.readings.filter((r) => r.agentId === id),
});
const AGENTS = [...new Set(data.lines.map((l) => l.x_AgentId))];

function batch(lines: StoredUsageLine[], readings: GpuReadingRow[], seq = 1): IngestBatch {
  const agentId = lines[0]?.x_AgentId ?? readings[0]?.agentId ?? AGENTS[0];
  return { agentId, bootId: "b", seq, lines, readings };
}

/** Token rows (with their reading's key) of every token row a carrier points at, by line. */
function carried(b: IngestBatch): { line: StoredUsageLine; token: unknown }[] {
  const p = prepare(b);
  const tokens = b.readings.flatMap((r) => r.tokens.map((t) => ({ r, t })));
  return [...p.tokenLine].flatMap((line, k) =>
    line < 0 ? [] : [{ line: b.lines[line], token: tokens[k] }],
  );
}

describe("which usage line carries a token row", () => {
  const { lines, readings } = agentOf(AGENTS[0]);

  it("the usage line of the same agent, GPU, window, workload and tenant with the same counts", () => {
    const pairs = carried(batch(lines, readings));
    const tokenRows = readings.reduce((n, r) => n + r.tokens.length, 0);
    expect(tokenRows).toBeGreaterThan(0);
    expect(pairs).toHaveLength(tokenRows);
    for (const { line, token } of pairs) {
      const { r, t } = token as { r: GpuReadingRow; t: GpuReadingRow["tokens"][number] };
      expect(line).toMatchObject({
        x_LineKind: "usage",
        x_AgentId: r.agentId,
        ResourceId: r.resourceId,
        ChargePeriodStart: formatUtcSeconds(r.windowStartS),
        x_Workload: t.workload,
        SubAccountId: t.tenant,
        x_PromptTokens: t.promptTokens,
        x_CachedTokens: t.cachedTokens,
        x_GenerationTokens: t.generationTokens,
        x_Requests: t.requests,
      });
    }
    // Each line carries at most one token row.
    expect(new Set(pairs.map((p) => p.line)).size).toBe(pairs.length);
  });

  it("no line when the counts differ, the kind is idle, or the line is in another batch", () => {
    const usage = lines.findIndex((l) => l.x_LineKind === "usage");
    const changed = lines.map((l, i) =>
      i === usage ? { ...l, x_CachedTokens: l.x_CachedTokens + 1 } : l,
    );
    expect(carried(batch(changed, readings))).toHaveLength(
      carried(batch(lines, readings)).length - 1,
    );
    const idle = lines.map((l) => ({ ...l, x_LineKind: "idle" as const }));
    expect(carried(batch(idle, readings))).toHaveLength(0);
    expect(carried(batch([], readings))).toHaveLength(0);
    // -0 and 0 are different numbers here: the stored line must give back the row exactly.
    const zero = readings.map((r) => ({
      ...r,
      tokens: r.tokens.map((t) => (t.cachedTokens === 0 ? { ...t, cachedTokens: -0 } : t)),
    }));
    const zeros = readings.flatMap((r) => r.tokens).filter((t) => t.cachedTokens === 0).length;
    expect(carried(batch(lines, zero))).toHaveLength(
      carried(batch(lines, readings)).length - zeros,
    );
  });

  it("a line repeated under another price version carries the row once", () => {
    const again = lines.map((l) => ({ ...l, x_PriceVersion: "v-other" }));
    const pairs = carried(batch([...lines, ...again], readings));
    expect(pairs).toHaveLength(readings.reduce((n, r) => n + r.tokens.length, 0));
    expect(pairs.every((p) => p.line.x_PriceVersion !== "v-other")).toBe(true);
  });
});

/** What gpu_reading_tokens must show once everything is stored: each reading's rows once. */
function expectedTokens(): string[] {
  return data.readings
    .flatMap((r) =>
      r.tokens.map((t) =>
        JSON.stringify([
          r.agentId,
          r.windowStartS,
          r.resourceId,
          t.workload,
          t.tenant,
          t.promptTokens,
          t.cachedTokens,
          t.generationTokens,
          t.requests,
        ]),
      ),
    )
    .sort();
}

async function storedTokens(store: DuckDbStore): Promise<string[]> {
  const rows = await store.withConnection(
    async (c) =>
      (
        await c.runAndReadAll(
          `SELECT agent_id, epoch(window_start), gpu_uuid, workload, tenant, prompt_tokens,
  cached_tokens, generation_tokens, requests FROM gpu_reading_tokens`,
        )
      ).getRowsJS(),
    { readOnly: true },
  );
  return rows
    .map((r) => JSON.stringify(r.map((v) => (typeof v === "bigint" ? Number(v) : v))))
    .sort();
}

/** A delivery: some of one agent's lines and some of its readings, in one batch. */
const delivery = fc.record({
  agent: fc.nat({ max: AGENTS.length - 1 }),
  lines: fc.func(fc.boolean()),
  readings: fc.func(fc.boolean()),
  together: fc.boolean(),
});

describe("token rows through the DuckDB store", () => {
  it("every stored reading's token rows appear exactly once, however batches split and repeat", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 8 }), async (deliveries) => {
        const store = new DuckDbStore({ path: ":memory:" });
        await store.start();
        try {
          let seq = 0;
          const build = (d: (typeof deliveries)[number]) => {
            const own = agentOf(AGENTS[d.agent]);
            return batch(
              own.lines.filter((_, i) => d.lines(i)),
              own.readings.filter((_, i) => d.readings(i)),
              ++seq,
            );
          };
          // Some deliveries share a group commit (sent together), others commit alone.
          for (let i = 0; i < deliveries.length; ) {
            let j = i + 1;
            while (j < deliveries.length && deliveries[j].together) j++;
            await Promise.all(deliveries.slice(i, j).map((d) => store.ingest(build(d))));
            i = j;
          }
          // Then everything once more, so every row is stored by the end.
          for (const a of AGENTS) {
            const own = agentOf(a);
            await store.ingest(batch(own.lines, own.readings, ++seq));
          }
          expect(await storedTokens(store)).toEqual(expectedTokens());
          expect((await store.lineTotals()).lines).toBe(data.lines.length);
        } finally {
          await store.shutdown();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
