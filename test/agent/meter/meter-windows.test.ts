import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { planFromConfig } from "../../../agent/bootstrap.js";
import { parseAgentConfig } from "../../../agent/config/index.js";
import { IdleLearner } from "../../../agent/meter/idle-learner.js";
import { Meter } from "../../../agent/meter/meter.js";
import { IdleStateStore } from "../../../agent/runtime/idle-state-store.js";
import type { Scrape } from "../../../agent/sources/types.js";
import { builtInIdleW } from "../../../kernel/src/idle-table.js";
import { referenceKernel } from "../../../kernel/src/reference.js";
import { GPU0, MODEL, scenarioConfig, T0 } from "../../helpers/capture-builder.js";

const config = parseAgentConfig(stringify(scenarioConfig()), "meter.yaml");

const gpu = (t: number, powerW: number): Scrape => ({
  timeMs: t * 1000,
  source: "dcgm",
  gpus: [{ uuid: GPU0, index: 0, model: MODEL, powerW }],
  tokens: [],
  series: [],
  discarded: 0,
});
const tok = (t: number, gen: number): Scrape => ({
  timeMs: t * 1000,
  source: "vllm-a",
  gpus: [],
  tokens: [
    {
      key: "engine=0",
      model: "llama",
      promptTokens: 0,
      cachedTokens: 0,
      generationTokens: gen,
      requests: 0,
    },
  ],
  series: [],
  discarded: 0,
});

function sumGen(meter: Meter, scrapes: Scrape[]): { gen: number; windows: number } {
  let gen = 0;
  let windows = 0;
  for (const s of scrapes) {
    for (const w of meter.ingest(s)) {
      windows++;
      for (let l = 0; l < w.output.count; l++) gen += w.output.gen[l];
    }
  }
  return { gen, windows };
}

describe("meter windows", () => {
  test("a dead token source delays a window by the grace only, and its later count is not lost", () => {
    const meter = new Meter(referenceKernel, planFromConfig(config, new IdleLearner()), {
      graceS: 4,
    });
    const scrapes: Scrape[] = [];
    // vLLM answers at T0 and T0+1 (100 tokens), then is silent until T0+25 when it reports 700.
    scrapes.push(tok(T0, 0), tok(T0 + 1, 100));
    for (let i = 0; i <= 40; i++) scrapes.push(gpu(T0 + i, 300));
    scrapes.splice(scrapes.length - 15, 0, tok(T0 + 25, 700));
    scrapes.push(tok(T0 + 41, 700));
    const { gen, windows } = sumGen(meter, scrapes);
    // Windows [T0, T0+10), [T0+10, T0+20), [T0+20, T0+30) closed; [T0+30, 40) too (vLLM at 41).
    expect(windows).toBe(4);
    expect(gen).toBeCloseTo(700, 9);
  });

  test("a window closes only when every GPU and token source has scraped past its end", () => {
    const meter = new Meter(referenceKernel, planFromConfig(config, new IdleLearner()), {
      graceS: 100,
    });
    expect(meter.ingest(tok(T0, 0))).toHaveLength(0);
    for (let i = 0; i <= 12; i++) expect(meter.ingest(gpu(T0 + i, 300))).toHaveLength(0);
    const done = meter.ingest(tok(T0 + 10, 50));
    expect(done).toHaveLength(1);
    expect(done[0].startS).toBe(T0);
    expect(done[0].gpus[0].energyJ).toBeCloseTo(3000, 9);
  });

  test("invalid samples are rejected and counted per source, never integrated", () => {
    const rejects: string[] = [];
    const meter = new Meter(referenceKernel, planFromConfig(config, new IdleLearner()), {
      graceS: 100,
      onReject: (s, r) => rejects.push(`${s}:${r}`),
    });
    const out = [];
    for (let i = 0; i <= 10; i++) {
      const p = i === 3 ? Number.NaN : i === 4 ? 9.3e18 : i === 5 ? 5000 : i === 6 ? -1 : 300;
      out.push(...meter.ingest(gpu(T0 + i, p)), ...meter.ingest(tok(T0 + i, i)));
    }
    expect(rejects.sort()).toEqual([
      "dcgm:invalid",
      "dcgm:invalid",
      "dcgm:invalid",
      "dcgm:over_ceiling",
    ]);
    expect(out).toHaveLength(1);
    // Samples 3..6 dropped: the interval 2 → 7 is 5 s > max_gap 3 s, a gap.
    expect(out[0].gpus[0].energyJ).toBeCloseTo(300 * 5, 9);
    expect(out[0].gpus[0].coveredS).toBeCloseTo(5, 9);
  });

  test("learned idle power persists across restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-idle-"));
    const learner = new IdleLearner();
    for (let i = 0; i < 30; i++) learner.observe(GPU0, 60 + i, 1, 0);
    learner.observe(GPU0, 10, 1, 500); // served tokens: not an idle window
    expect(learner.idleW(GPU0)).toBe(61);
    const store = new IdleStateStore(dir);
    store.save(learner.snapshot());
    await store.flush();
    const again = new IdleLearner(new IdleStateStore(dir).load());
    expect(again.idleW(GPU0)).toBe(61);
    // And the plan uses it for a GPU under `idle_w.default: learn`.
    const learnConfig = parseAgentConfig(
      stringify({
        ...scenarioConfig(),
        gpus: { idle_w: { default: "learn", by_model: {} }, ceiling_w: 1500 },
      }),
      "learn.yaml",
    );
    expect(planFromConfig(learnConfig, again).idleW(GPU0, MODEL)).toBe(61);
    expect(planFromConfig(learnConfig, new IdleLearner()).idleW(GPU0, MODEL)).toBe(
      builtInIdleW(MODEL),
    );
  });
});
