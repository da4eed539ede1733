import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect, test } from "vitest";
import { runCli } from "./helpers/cli.js";

test("`tokenwatt demo --duration` runs simulator → agent (mTLS) → collector, prints the table and stops cleanly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-demo-"));
  const r = await runCli(
    ["demo", "--duration", "25", "--window", "5", "--refresh", "5", "--dir", dir],
    90_000,
  );
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain("tokens/s per MW");
  expect(r.stdout).toMatch(/llama-70b\s+acme\s+[\d,]+\s+[\d,]+\s+[\d.]+/);
  const stored = Number(
    /collector: (\d+) lines stored/.exec(r.stdout.split("tokenwatt demo —").pop() ?? "")?.[1],
  );
  expect(stored).toBeGreaterThan(0);
  expect(r.stdout).toContain(`${join(dir, "collector.duckdb")}`);
  // The database is closed and holds the lines the table said.
  const db = await DuckDBInstance.create(join(dir, "collector.duckdb"));
  const conn = await db.connect();
  const rows = await conn.runAndReadAll(
    "SELECT count(*)::INTEGER AS n, count(DISTINCT SubAccountId)::INTEGER AS t, count(DISTINCT x_Model) FILTER (WHERE x_LineKind = 'usage')::INTEGER AS m, count(*) FILTER (WHERE x_LineKind = 'usage' AND x_Model = '')::INTEGER AS unknown FROM usage_lines",
  );
  const [n, t, models, unknown] = rows.getRows()[0] as [number, number, number, number];
  // The served model travels agent → wire → store (x_Model), so spend by model works.
  expect(models).toBe(2);
  expect(unknown).toBe(0);
  expect(n).toBeGreaterThanOrEqual(stored);
  expect(t).toBeGreaterThanOrEqual(3); // acme, globex, initech (+ the owner tenant of a window the gateway missed)
  conn.closeSync();
}, 120_000);
