import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseNvidiaSmiCsv, QUERY_FIELDS } from "../../../agent/sources/nvidia-smi-csv.js";
import { createSource } from "../../../agent/sources/registry.js";
import {
  HAVE_SHARED,
  REPO_ROOT,
  readLocalFixture,
  readShared,
  warnIfNoShared,
} from "../../helpers/shared-fixtures.js";

warnIfNoShared("sources/nvidia-smi");

const FAKE = resolve(REPO_ROOT, "test/fixtures/bin/fake-nvidia-smi");
const tmp = mkdtempSync(join(tmpdir(), "tw-smi-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A wrapper around the fake with environment baked in (the source passes no env of its own). */
function fakeWith(env: Record<string, string>): string {
  const path = join(
    tmp,
    `smi-${Object.values(env)
      .join("-")
      .replace(/[^a-z0-9-]/gi, "")}`,
  );
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}='${v}'`)
    .join(" ");
  writeFileSync(path, `#!/bin/sh\n${vars} exec '${FAKE}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("nvidia-smi CSV (noheader, nounits)", () => {
  const s = parseNvidiaSmiCsv(
    readLocalFixture("sources/nvidia-smi_noheader_nounits.csv"),
    "smi",
    42,
  );

  it("reads readings; zero is zero", () => {
    expect(s.gpus[0]).toEqual({
      uuid: "GPU-4a3f1c2e-9b7d-4e21-8c55-0f1e2d3c4b5a",
      index: 0,
      model: "NVIDIA H100 80GB HBM3",
      powerW: 631.95,
      powerLimitW: 700,
      utilizationPct: 100,
    });
    expect(s.gpus[1]).toMatchObject({ powerW: 0, utilizationPct: 0 });
  });

  it("[N/A], N/A and deprecation markers are missing values, counted", () => {
    expect(s.gpus[2]).toEqual({
      uuid: "GPU-6c5f3e4a-1d9f-4a43-8e77-2b3c4d5e6f70",
      index: 2,
      model: "NVIDIA H100 80GB HBM3",
    });
    expect(s.gpus[3]).toEqual({
      uuid: "GPU-7d6a4f5b-2e0a-4b54-9f88-3c4d5e6f7081",
      index: 3,
      model: "NVIDIA H100 80GB HBM3",
      utilizationPct: 37,
    });
    expect(s.discarded).toBe(5);
  });

  it("reads real driver 580 output of this exact query (H100, idle)", () => {
    const r = parseNvidiaSmiCsv(
      readLocalFixture("sources/nvidia-smi_h100_driver580_real.csv"),
      "smi",
      0,
    );
    expect(r.gpus).toEqual([
      {
        uuid: "GPU-bf6361b4-7858-e803-8379-8bb34e8011ba",
        index: 0,
        model: "NVIDIA H100 80GB HBM3",
        powerW: 120.7,
        powerLimitW: 700,
        utilizationPct: 0,
      },
    ]);
    expect(r.discarded).toBe(0);
  });

  it("skips and counts a row without a UUID", () => {
    const r = parseNvidiaSmiCsv("0, [N/A], NVIDIA H100, 1, 2, 3, 4, 5, 6\n", "smi", 0);
    expect(r.gpus).toEqual([]);
    expect(r.discarded).toBe(1);
  });
});

describe.skipIf(!HAVE_SHARED)("nvidia-smi (real --query-gpu captures)", () => {
  const captures = [
    ["h100-80gb-hbm3__590.48.01__load", "NVIDIA H100 80GB HBM3", 631.95, 700, 100],
    ["h100-80gb-hbm3__590.48.01__idle", "NVIDIA H100 80GB HBM3", 69.85, 700, 0],
    ["h200__590.48.01__load", "NVIDIA H200", 627.4, 700, 100],
    ["l40s__595.80__idle", "NVIDIA L40S", 144.97, 350, 100],
  ] as const;

  it.each(captures)(
    "%s with header and units, as captured",
    (capture, model, powerW, powerLimitW, util) => {
      const s = parseNvidiaSmiCsv(
        readShared(`telemetry/nvidia-smi-query-gpu__${capture}.csv`),
        "smi",
        1,
      );
      expect(s.gpus).toEqual([
        {
          uuid: "GPU-00000000-0000-0000-0000-000000000000",
          index: 0,
          model,
          powerW,
          powerLimitW,
          utilizationPct: util,
        },
      ]);
    },
  );

  it.each(captures)(
    "%s turned into the noheader,nounits form the source asks for",
    (capture, model, powerW) => {
      // As the fixtures README says: drop the header, strip the unit suffixes.
      const [header, row] = readShared(`telemetry/nvidia-smi-query-gpu__${capture}.csv`)
        .trim()
        .split("\n");
      const names = header.split(",").map((h) => h.trim().replace(/\s*\[.*\]$/, ""));
      const cells = row.split(",").map((c) => c.trim());
      const line = QUERY_FIELDS.map((f) =>
        cells[names.indexOf(f)].replace(/ (W|%|MiB|MHz)$/, ""),
      ).join(", ");
      const s = parseNvidiaSmiCsv(`${line}\n`, "smi", 1);
      expect(s.gpus[0]).toMatchObject({
        uuid: "GPU-00000000-0000-0000-0000-000000000000",
        model,
        powerW,
      });
      expect(s.discarded).toBe(0);
    },
  );
});

describe("nvidia-smi fetch (fake binary)", () => {
  it("runs the query and parses its output", async () => {
    const source = createSource({ name: "smi", kind: "nvidia-smi", command: FAKE });
    const r = await source.fetch(new AbortController().signal);
    expect(r.ok).toBe(true);
    if (r.ok) expect(source.parse(r.body, r.timeMs).gpus).toHaveLength(4);
  });

  it("does not block the event loop while nvidia-smi is slow", async () => {
    const source = createSource({
      name: "smi",
      kind: "nvidia-smi",
      command: fakeWith({ FAKE_SMI_SLEEP_S: "0.6" }),
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    try {
      const started = Date.now();
      const r = await source.fetch(new AbortController().signal);
      expect(r.ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(ticks).toBeGreaterThanOrEqual(5);
    } finally {
      clearInterval(timer);
    }
  });

  it("kills a hung nvidia-smi at timeout_s: retryable timeout", async () => {
    const source = createSource({
      name: "smi",
      kind: "nvidia-smi",
      command: fakeWith({ FAKE_SMI_SLEEP_S: "5" }),
      timeout_s: 0.2,
    });
    const started = Date.now();
    const r = await source.fetch(new AbortController().signal);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r).toMatchObject({
      ok: false,
      retryable: true,
      error: { code: "TW_ERR_SOURCE_TIMEOUT" },
    });
  });

  it("a failing nvidia-smi is a retryable exec error carrying its message", async () => {
    const source = createSource({
      name: "smi",
      kind: "nvidia-smi",
      command: fakeWith({ FAKE_SMI_EXIT: "9" }),
    });
    const r = await source.fetch(new AbortController().signal);
    expect(r).toMatchObject({ ok: false, retryable: true, error: { code: "TW_ERR_SOURCE_EXEC" } });
    if (!r.ok) expect(r.error.message).toContain("couldn't communicate with the NVIDIA driver");
  });

  it("a missing binary is permanent and says how to fix it", async () => {
    const source = createSource({
      name: "smi",
      kind: "nvidia-smi",
      command: join(tmp, "no-such-nvidia-smi"),
    });
    const r = await source.fetch(new AbortController().signal);
    expect(r).toMatchObject({ ok: false, retryable: false, error: { code: "TW_ERR_SOURCE_EXEC" } });
    if (!r.ok) expect(r.error.message).toContain("sources[].command");
  });
});
