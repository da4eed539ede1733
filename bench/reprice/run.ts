/**
 * `npm run bench:reprice`: re-pricing throughput end to end on a DuckDB file — read stored
 * readings (columnar) → WASM stage 2 → write usage lines and rollups — in readings/s, with
 * the read / kernel / write split. Target (issue 5): ≥ 720,000 readings/s, a month of a
 * 10,000-GPU metro at 60 s windows in ≤ 10 minutes.
 * Env: BENCH_GPUS (10000), BENCH_WINDOWS (1000) — 10 M readings by default;
 * BENCH_CHUNK (readings per kernel call, 1,000,000); BENCH_DB (keep the file there).
 * Last line: JSON with `readings_per_s`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePriceBook } from "../../collector/reprice/price-book.js";
import { reprice } from "../../collector/reprice/reprice.js";
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { BENCH_START_S, generateReadings } from "./generate.js";

const env = (k: string, d: number): number => Number(process.env[k] ?? d);
const gpus = env("BENCH_GPUS", 10_000);
const windows = env("BENCH_WINDOWS", 1_000);
const dir =
  process.env.BENCH_DB === undefined ? mkdtempSync(join(tmpdir(), "tw-bench-reprice-")) : undefined;
const path = process.env.BENCH_DB ?? join(dir ?? ".", "bench.duckdb");

const BOOK = parsePriceBook(
  `currency: EUR
timezone: Europe/Paris
energy_schedule:
  - { from: "07:00", to: "22:00", per_kwh: 0.21 }
  - { from: "22:00", to: "07:00", per_kwh: 0.11 }
gpu_hour: 1.95
lane_discount: { reserved: 0.25, sovereign: 0.1 }
carbon_g_per_kwh: 55
embodied_g_per_gpu_hour: 25
`,
  "bench",
);

const store = new DuckDbStore({ path });
await store.start();
try {
  let t = performance.now();
  const stored = await store.withConnection(async (c) =>
    Number((await c.runAndReadAll("SELECT count(*) FROM reading_facts")).getRowsJS()[0][0]),
  );
  const readings = stored >= gpus * windows ? stored : await generateReadings(store, gpus, windows);
  process.stderr.write(
    `${readings.toLocaleString("en-US")} readings stored (${((performance.now() - t) / 1000).toFixed(1)} s)\n`,
  );
  t = performance.now();
  const result = await reprice({
    store,
    kernel: loadWasmKernel(),
    book: BOOK,
    range: { fromS: BENCH_START_S, toS: BENCH_START_S + windows * 60 },
    version: `bench-${Date.now()}`,
    readingsPerChunk: env("BENCH_CHUNK", 1_000_000),
    onProgress: (p) =>
      process.stderr.write(
        `  ${p.done.toLocaleString("en-US")} / ${p.total.toLocaleString("en-US")} readings, ${Math.round(p.done / p.elapsedS).toLocaleString("en-US")}/s\n`,
      ),
  });
  const elapsedS = (performance.now() - t) / 1000;
  if (!result.ok) throw result.error;
  const { readS, kernelS, writeS } = result.timings;
  const row = (name: string, s: number) =>
    `${name.padEnd(22)} ${s.toFixed(2).padStart(8)} s ${Math.round(result.readings / s)
      .toLocaleString("en-US")
      .padStart(14)} readings/s\n`;
  process.stdout.write(
    `readings ${result.readings.toLocaleString("en-US")}, lines ${result.lines.toLocaleString("en-US")}, chunks ${result.chunks}\n` +
      row("read (waited for)", readS) +
      row("kernel (WASM stage 2)", kernelS) +
      row("write (waited for)", writeS) +
      row("end to end", elapsedS),
  );
  process.stdout.write(
    `${JSON.stringify({
      readings_per_s: Math.round(result.readings / elapsedS),
      readings: result.readings,
      lines: result.lines,
      read_s: Number(readS.toFixed(3)),
      kernel_s: Number(kernelS.toFixed(3)),
      write_s: Number(writeS.toFixed(3)),
      elapsed_s: Number(elapsedS.toFixed(3)),
    })}\n`,
  );
} finally {
  await store.shutdown();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
