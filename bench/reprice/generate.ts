/**
 * Fills a DuckDB store with GPU readings fast, in SQL (generate ranges inside DuckDB, no JS
 * loop), straight into the split tables (schema.ts): `gpus` GPUs (8 per agent, agents over three metros and lanes) × `windows`
 * one-minute windows from 2025-06-01T00:00:00Z. 85 % of readings are busy, with one token
 * row (two on every eighth GPU: a shared GPU with two tenants); the rest are idle.
 */
import type { DuckDbStore } from "../../collector/store/duckdb/store.js";

export const BENCH_START_S = Date.UTC(2025, 5, 1) / 1000;

export async function generateReadings(
  store: DuckDbStore,
  gpus: number,
  windows: number,
): Promise<number> {
  return store.withConnection(async (c) => {
    // One label tuple per GPU (its reading labels), then the readings as facts.
    await c.run(`INSERT INTO reading_dims (rdim_id, agent_id, gpu_uuid, gpu_model, owner_workload,
  owner_tenant, metro, hall, rack, lane, sovereignty_zone)
SELECT CAST(g AS INTEGER), 'host-' || lpad(CAST(g // 8 AS VARCHAR), 5, '0'),
  'GPU-' || lpad(CAST(g AS VARCHAR), 8, '0') || '-4e3a-9c1d-0123-456789abcdef',
  'NVIDIA H100 80GB HBM3',
  CASE g % 3 WHEN 0 THEN 'llama-70b' WHEN 1 THEN 'mixtral' ELSE 'embed' END,
  CASE g % 3 WHEN 1 THEN 'initech' ELSE 'acme' END,
  CASE (g // 8) % 3 WHEN 0 THEN 'fra' WHEN 1 THEN 'ams' ELSE 'par' END,
  'hall-' || CAST((g // 8) % 3 AS VARCHAR),
  'r' || lpad(CAST((g // 64) AS VARCHAR), 3, '0'),
  CASE (g // 8) % 4 WHEN 0 THEN 'public' WHEN 1 THEN 'reserved' WHEN 2 THEN 'sovereign' ELSE 'colocated' END,
  CASE (g // 8) % 3 WHEN 2 THEN 'FR' ELSE 'EU' END
FROM range(0, ${gpus}) tg(g)`);
    await c.run(`INSERT INTO reading_facts (window_start, rdim_id, window_s, energy_j, covered_s, idle_w,
  mean_power_w, mean_utilization, host_energy_j, facility_energy_j, rejected_samples, ingest_id)
SELECT make_timestamp(CAST((${BENCH_START_S} + w * 60) AS BIGINT) * 1000000), CAST(g AS INTEGER),
  60.0, e, CASE WHEN busy THEN 60.0 ELSE 57.0 END, 70.0, e / 60, CASE WHEN busy THEN 0.8 ELSE 0.0 END,
  e * 0.1, e * 1.1 * 1.2, 0.0, 0
FROM (
  SELECT w, g, (hash(w * 1000003 + g) % 1000) >= 150 AS busy,
    CASE WHEN (hash(w * 1000003 + g) % 1000) >= 150
      THEN (350 + 0.3 * (hash(g * 7919 + w) % 1000)) * 60 ELSE 65.0 * 60 END AS e
  FROM range(0, ${windows}) tw(w), range(0, ${gpus}) tg(g)
)`);
    await c.run(`INSERT INTO token_dims
SELECT CAST(row_number() OVER () - 1 AS INTEGER), w, t
FROM (VALUES ('llama-70b'), ('mixtral'), ('embed')) a(w), (VALUES ('acme'), ('initech'), ('globex')) b(t)`);
    // One token row per busy reading (the owner), two on every eighth GPU's llama-70b.
    await c.run(`INSERT INTO token_facts
SELECT f.window_start, f.rdim_id, td.tdim_id, 1000.0 + (hash(d.gpu_uuid) % 3000), 200.0,
  400.0 + (epoch(f.window_start) % 997), 3.0
FROM reading_facts f JOIN reading_dims d ON d.rdim_id = f.rdim_id, (VALUES (0), (1)) k(k), token_dims td
WHERE f.mean_utilization > 0
  AND (k.k = 0 OR right(d.agent_id, 1) = '0' AND d.owner_workload = 'llama-70b')
  AND td.workload = d.owner_workload
  AND td.tenant = CASE WHEN k.k = 0 THEN d.owner_tenant ELSE 'globex' END`);
    const n = (await c.runAndReadAll("SELECT count(*) FROM reading_facts")).getRowsJS()[0][0];
    await c.run("CHECKPOINT");
    return Number(n);
  });
}
