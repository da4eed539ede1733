import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { generateUsage, toBatches } from "../../test/helpers/usage-lines.js";
const n = Number(process.argv[2] ?? 40);
const size = Number(process.argv[3] ?? 5000);
const conc = Number(process.argv[4] ?? 1);
const dir = mkdtempSync(join(tmpdir(), "tw-prof-"));
const data = generateUsage({ agents: 4, gpusPerAgent: 8, windows: Math.ceil((n * size) / 40) });
const batches = toBatches(data, size).slice(0, n);
const store = new DuckDbStore({ path: join(dir, "s.duckdb") });
await store.start();
const c = store.connection();
const times = new Map<string, number>();
for (const m of ["run", "runAndReadAll"] as const) {
  const orig = (c[m] as (...a: unknown[]) => Promise<unknown>).bind(c);
  (c as unknown as Record<string, unknown>)[m] = async (sql: string, ...rest: unknown[]) => {
    let r: unknown;
    for (const part of sql.split(/;\n|; (?=[A-Z])/)) {
      const t = performance.now();
      r = await orig(part, ...rest);
      const k = part.slice(0, 30).replace(/\s+/g, " ");
      times.set(k, (times.get(k) ?? 0) + performance.now() - t);
    }
    return r;
  };
}
let lines = 0;
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: conc }, async () => {
  while (next < batches.length) { const r = await store.ingest(batches[next++]); lines += r.inserted; }
}));
const s = (performance.now() - t0) / 1000;
console.log({ size, conc, lines, linesPerS: Math.round(lines / s), msPerBatch: ((s * 1000) / batches.length).toFixed(2) });
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) console.log((v / batches.length).toFixed(2).padStart(8), k);
if (process.env.EXPLAIN) {
  const { storedDuplicatesSql } = await import("../../collector/store/duckdb/ingest-sql.js");
  await store.withConnection(async (cc) => {
    const [lo, hi, rlo, rhi] = (await cc.runAndReadAll(`SELECT epoch_us(min("ChargePeriodStart")), epoch_us(max("ChargePeriodStart")), (SELECT epoch_us(min(window_start)) FROM stage_reading_keys), (SELECT epoch_us(max(window_start)) FROM stage_reading_keys) FROM stage_line_keys`)).getRowsJS()[0].map(Number);
    const sql = storedDuplicatesSql([`make_timestamp(${lo})`, `make_timestamp(${hi})`], [`make_timestamp(${rlo})`, `make_timestamp(${rhi})`]);
    const r = await cc.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
    console.log(String(r.getRowsJS()[0][1]));
  });
}
const t1 = performance.now();
await store.shutdown();
console.log("shutdown ms", (performance.now() - t1).toFixed(0));
rmSync(dir, { recursive: true, force: true });
