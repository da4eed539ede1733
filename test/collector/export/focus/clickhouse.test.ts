/**
 * FOCUS export from a ClickHouse store: the same lines ingested into a ClickHouse and a
 * DuckDB store give the same FOCUS rows (compared row for row), with copies in unmerged
 * parts, a re-pricing that changes attribution, registered and unregistered price versions,
 * the filters, chunked staging, and through the CLI with `--check`.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExport } from "../../../../cli/commands/export.js";
import { defaultFocusDir } from "../../../../collector/export/focus/check.js";
import { stageFromClickHouse } from "../../../../collector/export/focus/clickhouse-stage.js";
import { exportFocus, type FocusFormat } from "../../../../collector/export/focus/export.js";
import { exportFocusFromClickHouse } from "../../../../collector/export/focus/export-clickhouse.js";
import { LINE_COLUMNS } from "../../../../collector/store/clickhouse/schema.js";
import { ClickHouseStore } from "../../../../collector/store/clickhouse/store.js";
import { openDuckDb } from "../../../../collector/store/duckdb/driver.js";
import { LINE_COLUMNS as DUCK_LINE_COLUMNS } from "../../../../collector/store/duckdb/schema.js";
import { currentLinesSql } from "../../../../collector/store/duckdb/selection.js";
import { DuckDbStore } from "../../../../collector/store/duckdb/store.js";
import type {
  IngestBatch,
  LineFilter,
  PriceVersion,
  StoredUsageLine,
} from "../../../../collector/store/types.js";
import { NATURAL_KEY, naturalKey } from "../../../../kernel/src/usage-line.js";
import {
  CLICKHOUSE_URL,
  chExec,
  chSelect,
  clickHouseMissing,
  dropDatabase,
  testDatabase,
} from "../../../helpers/clickhouse.js";
import { generateUsage, toBatches } from "../../../helpers/usage-lines.js";

const skip = clickHouseMissing("focus-export-clickhouse");
const repoRoot = join(import.meta.dirname, "../../../..");
const haveModel = existsSync(join(defaultFocusDir(repoRoot), "requirements-model-1.2.json"));
if (!haveModel) console.warn("FOCUS model not found: the --check of the ClickHouse export skipped");

const dir = mkdtempSync(join(tmpdir(), "tw-focus-ch-"));
const db = testDatabase("focus");
/** Built in beforeAll, only with a server (an empty URL is refused). */
let ch: ClickHouseStore | undefined;

function source(): ClickHouseStore {
  if (ch === undefined) throw new Error("the ClickHouse store is not started");
  return ch;
}
const duck = new DuckDbStore({ path: join(dir, "ref.duckdb") });

// 3 agents × 2 GPUs × 150 one-minute windows from 06:00 (hours 06–08).
const base = generateUsage({ windows: 150 });
// A re-pricing of the first 40 windows with other attribution (another seed: other line keys),
// and an unregistered agent version for windows 20–59 of one agent.
const repriced = generateUsage({ windows: 40, seed: 7, priceVersion: "pv-2025-07" });
const unregistered = generateUsage({ windows: 60, seed: 9, priceVersion: "pv-agent-zz" });
unregistered.lines = unregistered.lines.filter(
  (l) => l.x_AgentId === "fra2-r12-h00" && l.ChargePeriodStart >= "2025-06-01T06:20:00Z",
);
unregistered.readings = [];

const VERSIONS: PriceVersion[] = [
  { version: "pv-2025-06", createdMs: Date.UTC(2025, 5, 1), book: { gpu_hour: 2.1 }, note: "" },
  { version: "pv-2025-07", createdMs: Date.UTC(2025, 6, 1), book: { gpu_hour: 2.5 }, note: "" },
];

function batches(): IngestBatch[] {
  const out = [
    ...toBatches(base, 400, "boot-1"),
    ...toBatches(repriced, 400, "boot-2"),
    ...toBatches(unregistered, 400, "boot-3"),
  ];
  return out.map((b) => {
    const metro = b.lines[0]?.RegionId ?? "fra";
    const site = {
      metro,
      regionName: metro === "fra" ? "Frankfurt" : "Amsterdam",
      provider: "Example Colo",
    };
    return { ...b, site };
  });
}

/**
 * ClickHouse 18.16 parses text floats (the store's JSONEachRow inserts) up to 1 ulp off for
 * about 0.1% of values, so "the same lines" are the lines as ClickHouse holds them: the
 * reference DuckDB store gets the same batches with the float values read back from
 * ClickHouse (a plain FINAL read, keyed by natural key).
 */
async function asStoredInClickHouse(list: IngestBatch[]): Promise<IngestBatch[]> {
  const key = (l: Record<string, unknown>, startS: number) =>
    NATURAL_KEY.map((k) => (k === "ChargePeriodStart" ? startS : l[k])).join("\u0000");
  const stored = new Map<string, Record<string, unknown>>();
  for (const r of await chSelect<Record<string, unknown>>(
    `SELECT toUInt32(ChargePeriodStart) AS start_s, * FROM ${db}.usage_lines FINAL`,
  )) {
    stored.set(key(r, Number(r.start_s)), r);
  }
  const floats = LINE_COLUMNS.filter((c) => c.type === "Float64").map((c) => c.name);
  return list.map((b) => ({
    ...b,
    lines: b.lines.map((l) => {
      const r = stored.get(key({ ...l }, Date.parse(l.ChargePeriodStart) / 1000));
      if (r === undefined) throw new Error(`line not stored in ClickHouse: ${naturalKey(l)}`);
      const out: Record<string, unknown> = { ...l };
      for (const f of floats) out[f] = Number(r[f]);
      return out as unknown as StoredUsageLine;
    }),
  }));
}

beforeAll(async () => {
  if (skip) return;
  ch = new ClickHouseStore({ url: CLICKHOUSE_URL, database: db, collector: "c1" });
  await Promise.all([ch.start(), duck.start()]);
  await chExec(`SYSTEM STOP MERGES ${db}.usage_lines`);
  for (const v of VERSIONS) await ch.putPriceVersion(v);
  for (const b of batches()) await ch.ingest(b);
  for (const v of VERSIONS) await duck.putPriceVersion(v);
  for (const b of await asStoredInClickHouse(batches())) await duck.ingest(b);
  // Copies a failover race leaves in unmerged parts: an identical one, and a later-stored
  // one with other values (lower keep_rank), which must lose.
  const cols = LINE_COLUMNS.map((c) => c.name);
  const changed = cols.map((c) => (c === "EffectiveCost" || c === "x_GpuSeconds" ? `${c} * 3` : c));
  await chExec(
    `INSERT INTO ${db}.usage_lines SELECT * FROM ${db}.usage_lines`,
    `INSERT INTO ${db}.usage_lines (${cols.join(", ")}, keep_rank)
      SELECT ${changed.join(", ")}, keep_rank - 1000000 FROM ${db}.usage_lines`,
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([ch?.shutdown(), duck.shutdown()]);
  if (!skip) await dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

/** All rows of an exported file as text, header first, sorted by the row's identity. */
async function rowsOf(file: string): Promise<string[][]> {
  const h = await openDuckDb(":memory:");
  try {
    const src = file.endsWith(".csv")
      ? `read_csv('${file}', all_varchar = true, allow_quoted_nulls = false)`
      : `(SELECT COLUMNS(*)::VARCHAR FROM read_parquet('${file}'))`;
    const reader = await h.connection.runAndReadAll(`SELECT * FROM ${src}`);
    const header = reader.columnNames();
    const rows = reader.getRowsJS().map((r) => r.map((v) => (v === null ? "<null>" : String(v))));
    const at = ROW_IDENTITY.map((c) => header.indexOf(c));
    const id = (r: string[]) => at.map((i) => r[i]).join("|");
    rows.sort((x, y) => (id(x) < id(y) ? -1 : id(x) > id(y) ? 1 : 0));
    return [header, ...rows];
  } finally {
    h.connection.closeSync();
    h.instance.closeSync();
  }
}

/** Columns that identify a FOCUS row (hour × agent × GPU × workload × tenant × SKU price). */
const ROW_IDENTITY = [
  "ChargePeriodStart",
  "x_AgentId",
  "ResourceId",
  "x_Workload",
  "x_Model",
  "SubAccountId",
  "SkuPriceId",
];

/**
 * The first cell where two exports differ (row, column, both values), else undefined. Text
 * must be equal; numbers may differ in the last bits (relative 1e-12): the export's hourly
 * sums are DuckDB float sums whose rounding follows the order the lines were inserted in,
 * which differs between any two stores fed differently (the staged file is filled in window
 * order, a collector's file in arrival order). The staged lines themselves are compared
 * exactly in "stages exactly the lines…".
 */
function firstDifference(a: string[][], b: string[][]): string | undefined {
  const [header] = a;
  const close = (x: string, y: string) => {
    const [u, v] = [Number(x), Number(y)];
    return (
      x !== "" &&
      Number.isFinite(u) &&
      Number.isFinite(v) &&
      Math.abs(u - v) <= 1e-12 * Math.max(Math.abs(u), Math.abs(v))
    );
  };
  if (a.length !== b.length) return `${a.length - 1} rows vs ${b.length - 1}`;
  for (let r = 0; r < a.length; r++) {
    for (let c = 0; c < Math.max(a[r].length, b[r].length); c++) {
      const [x, y] = [a[r][c], b[r][c]];
      if (x !== y && !close(x, y)) return `row ${r} ${header[c]}: ${x} vs ${y} (${a[r].join("|")})`;
    }
  }
  return undefined;
}

/** The line columns of `from` (a table or subquery), sorted, values as DuckDB returns them. */
async function linesOf(store: DuckDbStore, from: string): Promise<unknown[][]> {
  const cols = DUCK_LINE_COLUMNS.map((c) => `"${c.name}"`).join(", ");
  return store.withConnection(
    async (c) => (await c.runAndReadAll(`SELECT ${cols} FROM ${from} ORDER BY ALL`)).getRowsJS(),
    { readOnly: true },
  );
}

let n = 0;
async function both(format: FocusFormat, filter: LineFilter = {}, chunkLines?: number) {
  const tag = `${format}-${++n}`;
  const common = { version: "1.2" as const, format, ...filter };
  const fromDuck = await exportFocus({
    ...common,
    store: duck,
    out: join(dir, `duck-${tag}.${format}`),
  });
  const tempDir = mkdtempSync(join(dir, "stage-"));
  const progress: number[] = [];
  const fromCh = await exportFocusFromClickHouse({
    ...common,
    store: source(),
    out: join(dir, `ch-${tag}.${format}`),
    tempDir,
    ...(chunkLines === undefined ? {} : { chunkLines }),
    onProgress: (p) => progress.push(p.staged),
  });
  if (!fromDuck.ok) throw fromDuck.error;
  if (!fromCh.ok) throw fromCh.error;
  expect(readdirSync(tempDir)).toEqual([]);
  expect(fromCh.rows).toBe(fromDuck.rows);
  const duckRows = await rowsOf(fromDuck.path);
  const chRows = await rowsOf(fromCh.path);
  expect(chRows.length).toBe(fromCh.rows + 1);
  expect(firstDifference(chRows, duckRows)).toBeUndefined();
  return {
    rows: fromCh.rows,
    progress,
  };
}

describe.skipIf(skip)("FOCUS export from ClickHouse", () => {
  for (const format of ["csv", "parquet"] as const) {
    it(`${format}: the same rows as the DuckDB store's export`, async () => {
      const r = await both(format);
      expect(r.rows).toBeGreaterThan(50);
    });
  }

  for (const filter of [{}, { tenant: "acme", to: "2025-06-01T07:30:00Z" }] as LineFilter[]) {
    it(`stages exactly the lines the DuckDB store selects, each once (${JSON.stringify(filter)})`, async () => {
      const staged = new DuckDbStore({ path: join(dir, `staged-${++n}.duckdb`) });
      await staged.start();
      try {
        const count = await stageFromClickHouse(source(), staged, filter, { chunkLines: 250 });
        const got = await linesOf(staged, "usage_lines");
        const want = await linesOf(duck, `(${currentLinesSql(filter)})`);
        expect(count).toBe(want.length);
        expect(got).toEqual(want);
        // Agents and their sites, all of them (those without lines in the range too).
        expect((await staged.agents()).map((a) => [a.agentId, a.site])).toEqual(
          (await duck.agents()).map((a) => [a.agentId, a.site]),
        );
      } finally {
        await staged.shutdown();
      }
    });
  }

  it("stages in chunks (an hour larger than a chunk is streamed in pieces), same rows", async () => {
    const r = await both("csv", {}, 300);
    // Every hour holds more than 300 stored rows: several flushes, rising, all lines staged.
    expect(r.progress.length).toBeGreaterThan(6);
    expect(r.progress).toEqual([...r.progress].sort((a, b) => a - b));
  });

  const filters: [string, LineFilter][] = [
    ["metro", { metro: "ams" }],
    ["tenant", { tenant: "acme" }],
    ["from/to off the hour", { from: "2025-06-01T06:30:00Z", to: "2025-06-01T07:45:00Z" }],
    ["the agent's version", { priceVersion: "pv-2025-06" }],
    ["the re-priced version", { priceVersion: "pv-2025-07" }],
    ["an unregistered version", { priceVersion: "pv-agent-zz" }],
    ["all at once", { metro: "fra", tenant: "acme", from: "2025-06-01T06:10:00Z" }],
  ];
  for (const [name, filter] of filters) {
    it(`filter ${name}: the same rows as the DuckDB store's export`, async () => {
      const r = await both("csv", filter, 500);
      expect(r.rows).toBeGreaterThan(0);
    });
  }

  it("a filter that admits nothing gives a header-only file", async () => {
    const r = await both("csv", { metro: "nowhere" });
    expect(r.rows).toBe(0);
  });

  it("reports a bad filter time as an export failure naming it", async () => {
    const r = await exportFocusFromClickHouse({
      store: source(),
      version: "1.2",
      format: "csv",
      out: join(dir, "bad.csv"),
      from: "yesterday",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/from must be YYYY-MM-DDTHH:mm:ssZ/);
  });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

function config(name: string, store: string): string {
  const path = join(dir, name);
  writeFileSync(path, `store:\n${store}focus:\n  provider_name: Example Colo\n`);
  return path;
}

describe.skipIf(skip)("tokenwatt export --config (ClickHouse store)", () => {
  it.skipIf(!haveModel)(
    "exports and passes the FOCUS check, equal to the DuckDB export",
    async () => {
      writeFileSync(join(dir, "ch.pass"), "\n");
      const path = config(
        "ch.yaml",
        `  kind: clickhouse\n  url: ${CLICKHOUSE_URL}\n  database: ${db}\n  username: default\n  password_file: ch.pass\n`,
      );
      const o = io();
      const out = join(dir, "cli-ch.csv");
      const code = await runExport(
        { config: path, focus: "1.2", format: "csv", out, check: true },
        o.io,
      );
      expect(o.err).toEqual([]);
      expect(code).toBe(0);
      expect(o.out.join("\n")).toMatch(/wrote \d+ FOCUS 1.2 rows[\s\S]*, 0 fail/);
      const ref = join(dir, "cli-duck.csv");
      const fromDuck = await exportFocus({
        store: duck,
        version: "1.2",
        format: "csv",
        out: ref,
        constants: { providerName: "Example Colo" },
      });
      if (!fromDuck.ok) throw fromDuck.error;
      expect(firstDifference(await rowsOf(out), await rowsOf(ref))).toBeUndefined();
    },
  );

  it("applies the filters given on the command line", async () => {
    const path = config(
      "ch-f.yaml",
      `  kind: clickhouse\n  url: ${CLICKHOUSE_URL}\n  database: ${db}\n`,
    );
    const o = io();
    const out = join(dir, "cli-ams.csv");
    const code = await runExport(
      { config: path, focus: "1.2", format: "csv", out, metro: "ams", tenant: "acme" },
      o.io,
    );
    expect(code).toBe(0);
    const rows = await rowsOf(out);
    const [header, ...data] = rows;
    expect(data.length).toBeGreaterThan(0);
    const region = header.indexOf("RegionId");
    const tenant = header.indexOf("SubAccountId");
    expect(new Set(data.map((r) => `${r[region]}/${r[tenant]}`))).toEqual(new Set(["ams/acme"]));
  });

  it("fails with exit code 1 naming the server when it cannot be reached", async () => {
    const path = config(
      "ch-down.yaml",
      `  kind: clickhouse\n  url: http://127.0.0.1:1\n  database: ${db}\n`,
    );
    const o = io();
    const code = await runExport(
      { config: path, focus: "1.2", format: "csv", out: join(dir, "down.csv") },
      o.io,
    );
    expect(code).toBe(1);
    expect(o.err.join("\n")).toMatch(/TW_ERR_STORE_OPEN.*127\.0\.0\.1:1/);
  });
});

describe("tokenwatt export --config: the store section", () => {
  it("refuses a ClickHouse store without url and an unknown store kind (exit 2)", async () => {
    const noUrl = config("ch-nourl.yaml", `  kind: clickhouse\n  database: ${db}\n`);
    const odd = config("odd.yaml", "  kind: postgres\n  path: x\n");
    for (const path of [noUrl, odd]) {
      const o = io();
      const code = await runExport(
        { config: path, focus: "1.2", format: "csv", out: join(dir, "x.csv") },
        o.io,
      );
      expect(code).toBe(2);
      expect(o.err[0]).toMatch(/TW_ERR_CLI_USAGE: .*store\.(url|kind)/);
    }
  });
});
