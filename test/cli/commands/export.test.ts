import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExport } from "../../../cli/commands/export.js";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import { generateUsage, toBatches } from "../../helpers/usage-lines.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const haveModel = existsSync(
  resolve(repoRoot, "..", "shared", "focus", "requirements-model-1.2.json"),
);
const dir = mkdtempSync(join(tmpdir(), "tw-cli-export-"));
const db = join(dir, "collector.duckdb");

beforeAll(async () => {
  const store = new DuckDbStore({ path: db });
  await store.start();
  for (const b of toBatches(generateUsage({ windows: 60 }), 5000)) await store.ingest(b);
  await store.shutdown();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe("tokenwatt export", () => {
  it.skipIf(!haveModel)("exports from --db (read-only) and checks", async () => {
    const o = io();
    const code = await runExport(
      { db, focus: "1.2", format: "parquet", out: join(dir, "f.parquet"), check: true },
      o.io,
    );
    expect(o.err).toEqual([]);
    expect(code).toBe(0);
    expect(o.out.join("\n")).toMatch(/wrote \d+ FOCUS 1.2 rows[\s\S]*0 fail/);
  });

  it("reads store.path and focus: from --config", async () => {
    const config = join(dir, "collector.yaml");
    writeFileSync(
      config,
      "store:\n  path: collector.duckdb\nfocus:\n  provider_name: Example Colo\n",
    );
    const o = io();
    const code = await runExport(
      { config, focus: "1.2", format: "csv", out: join(dir, "f.csv"), metro: "fra" },
      o.io,
    );
    expect(code).toBe(0);
    expect(o.out[0]).toMatch(/wrote \d+ FOCUS/);
  });

  it("refuses an unsupported FOCUS version and a missing store", async () => {
    expect(
      await runExport({ db, focus: "1.0", format: "csv", out: join(dir, "x.csv") }, io().io),
    ).toBe(2);
    expect(await runExport({ focus: "1.2", format: "csv", out: join(dir, "x.csv") }, io().io)).toBe(
      2,
    );
  });
});
