/**
 * Live-run fixtures for delivery tests: an agent config for the simulator that ships to a
 * collector (short windows, short grace), the agent's own capture replayed in process, and
 * the collector's stored lines read back — to check "every line the agent produced is stored
 * exactly once".
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { naturalKey, type UsageLine } from "../../kernel/src/usage-line.js";
import type { SimulatorHandle } from "../../simulate/index.js";
import { freePort } from "./cli-child.js";
import { replayToLines } from "./replay.js";

/** Writes the agent config; returns its path and the agent's /metrics URL. */
export async function writeShippingConfig(
  sim: SimulatorHandle,
  dir: string,
  collectorAddress: string,
  o: { windowS: number; batchMaxDelayS: number },
): Promise<{ path: string; metricsUrl: string }> {
  const port = await freePort();
  const doc = parse(
    sim.agentConfig({
      agentId: "reliability-host",
      windowS: o.windowS,
      scrapeIntervalS: 1,
      spoolDir: join(dir, "spool"),
      collectorUrls: [collectorAddress],
      listen: `127.0.0.1:${port}`,
    }),
  ) as {
    agent: Record<string, unknown>;
    sources: Record<string, unknown>[];
    collector: Record<string, unknown>;
  };
  // A short grace (max_gap_s + timeout_s) so windows finish 3 s after they end.
  doc.agent.max_gap_s = 2;
  for (const s of doc.sources) s.timeout_s = 1;
  doc.collector.batch_max_delay_s = o.batchMaxDelayS;
  const path = join(dir, "agent.yaml");
  await writeFile(path, stringify(doc));
  return { path, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** The usage lines `tokenwatt replay` prints for a capture, computed in process. */
export async function replayLines(configPath: string, capturePath: string): Promise<UsageLine[]> {
  return (await replayToLines(configPath, capturePath)).lines;
}

export interface StoredLine {
  key: string;
  start: string;
  values: number[];
}

export const COMPARED = [
  "x_GpuEnergyJ",
  "x_GenerationTokens",
  "x_PromptTokens",
  "EffectiveCost",
  "x_CarbonG",
] as const;

export function comparable(l: UsageLine): StoredLine {
  return { key: naturalKey(l), start: l.ChargePeriodStart, values: COMPARED.map((f) => l[f]) };
}

/** Every stored line (read-only open of the collector's DuckDB file). */
export async function storedLines(dbPath: string): Promise<StoredLine[]> {
  const store = new DuckDbStore({ path: dbPath, readOnly: true });
  await store.start();
  try {
    return await store.withConnection(async (c) => {
      const rows = (
        await c.runAndReadAll(
          `SELECT x_AgentId, strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%SZ'), ResourceId, x_Workload, SubAccountId,
             x_LineKind, x_PriceVersion, ${COMPARED.map((f) => `"${f}"`).join(", ")} FROM usage_lines`,
        )
      ).getRowsJS();
      return rows.map((r) => ({
        key: r.slice(0, 7).map(String).join("\u0000"),
        start: String(r[1]),
        values: r.slice(7).map(Number),
      }));
    });
  } finally {
    await store.shutdown();
  }
}

/** Lines per natural key; a key seen twice is a double count. */
export function byKey(lines: readonly StoredLine[]): {
  map: Map<string, StoredLine>;
  repeated: string[];
} {
  const map = new Map<string, StoredLine>();
  const repeated: string[] = [];
  for (const l of lines) {
    if (map.has(l.key)) repeated.push(l.key);
    map.set(l.key, l);
  }
  return { map, repeated };
}

/** Polls the agent's /metrics until `re` matches. */
export async function untilMetric(url: string, re: RegExp, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = await fetch(url).then(
      (r) => r.text(),
      () => "",
    );
    if (re.test(text)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re} on ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
