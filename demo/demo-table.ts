import type { Registry } from "prom-client";

interface Sample {
  labels: Record<string, string | number>;
  value: number;
}

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const m = registry.getSingleMetric(name);
  if (!m) return [];
  const got = await m.get();
  return got.values as Sample[];
}

async function single(registry: Registry, name: string): Promise<number> {
  return (await samples(registry, name)).reduce((a, s) => a + s.value, 0);
}

const fmt = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v)
    ? "-"
    : v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The demo's live table: per workload × tenant figures of the last window, delivery state. */
export async function renderDemoTable(
  agent: Registry,
  collector: Registry,
  elapsedS: number,
): Promise<string> {
  const rows = new Map<string, Record<string, number>>();
  const take = async (metric: string, column: string) => {
    for (const s of await samples(agent, metric)) {
      const key = `${s.labels.workload}\u0000${s.labels.tenant}`;
      const row = rows.get(key) ?? {};
      row[column] = s.value;
      rows.set(key, row);
    }
  };
  await take("tokenwatt_tokens_per_second", "tps");
  await take("tokenwatt_tokens_per_second_per_megawatt", "perMw");
  await take("tokenwatt_joules_per_token", "jpt");
  await take("tokenwatt_cost_per_million_tokens", "cpm");
  await take("tokenwatt_carbon_grams_per_thousand_requests", "gco2");
  const head = [
    "workload",
    "tenant",
    "tokens/s",
    "tokens/s per MW",
    "J/token",
    "USD per 1M tok",
    "gCO2e/1k req",
  ];
  const body = [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, r]) => {
      const [workload, tenant] = key.split("\u0000");
      return [
        workload,
        tenant,
        fmt(r.tps, 0),
        fmt(r.perMw, 0),
        fmt(r.jpt, 3),
        fmt(r.cpm, 4),
        fmt(r.gco2, 2),
      ];
    });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const spoolBatches = await single(agent, "tokenwatt_spool_unacked_batches");
  const spoolBytes = await single(agent, "tokenwatt_spool_bytes");
  const stored = await single(collector, "tokenwatt_collector_lines_ingested_total");
  const duplicates = await single(collector, "tokenwatt_collector_lines_duplicate_total");
  const hostPerMw = await single(agent, "tokenwatt_host_tokens_per_second_per_megawatt");
  const facilityW = await single(agent, "tokenwatt_facility_power_watts");
  return [
    `tokenwatt demo — ${elapsedS.toFixed(0)} s — last finished window`,
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...(body.length > 0 ? body.map(line) : ["(waiting for the first window to finish…)"]),
    "",
    `host: ${fmt(facilityW / 1000, 2)} kW facility power, ${fmt(hostPerMw, 0)} tokens/s per MW`,
    `spool: ${spoolBatches} unacked batches (${fmt(spoolBytes / 1024, 1)} KiB) — collector: ${stored} lines stored, ${duplicates} duplicates dropped`,
  ].join("\n");
}
