import { afterEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../agent/config/load.js";
import {
  type ControlState,
  GARBAGE_BODY,
  type SimulatorHandle,
  type SimulatorOptions,
  SimulatorOptionsError,
  startSimulator,
} from "../../simulate/index.js";
import { sample, samples, scrape } from "./helpers.js";

const T0 = 1_760_000_000_000;
const running: SimulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.shutdown()));
});

async function sim(o: SimulatorOptions = {}) {
  const clock = { now: T0 };
  const handle = await startSimulator({
    gpus: 4,
    workloads: 2,
    tenants: 3,
    seed: 42,
    clock: () => clock.now,
    ...o,
  });
  running.push(handle);
  return { handle, clock };
}

const gpuLabel = (g: number) => `gpu="${g}",`;

describe("dcgm energy is the integral of power", () => {
  it("energy counter delta equals the trapezoid of scraped power at every knot (1e-6)", async () => {
    const { handle, clock } = await sim({ stepMs: 1000 });
    const n = handle.model.gpus.length;
    const power: number[][] = Array.from({ length: n }, () => []);
    const energy: number[][] = Array.from({ length: n }, () => []);
    clock.now = T0 + 1000; // on a knot (T0 is a multiple of 1000)
    for (let i = 0; i <= 120; i++) {
      const body = await scrape(handle.urls.dcgm);
      for (let g = 0; g < n; g++) {
        power[g].push(sample(body, "DCGM_FI_DEV_POWER_USAGE", gpuLabel(g)));
        energy[g].push(sample(body, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", gpuLabel(g)));
      }
      clock.now += 1000;
    }
    for (let g = 0; g < n; g++) {
      let trapezoidMj = 0;
      for (let i = 1; i < power[g].length; i++)
        trapezoidMj += ((power[g][i - 1] + power[g][i]) / 2) * 1000;
      const deltaMj = energy[g].at(-1)! - energy[g][0];
      expect(Math.abs(deltaMj - trapezoidMj) / trapezoidMj).toBeLessThan(1e-6);
      expect(Math.min(...power[g])).toBeGreaterThan(60);
      expect(Math.max(...power[g])).toBeLessThan(710);
    }
  });

  it("the model's energy equals ∫ power to 1e-6 J at arbitrary times", async () => {
    const { handle } = await sim({ stepMs: 200 });
    const m = handle.model;
    for (let g = 0; g < m.gpus.length; g++) {
      let t = T0 + 37;
      let sum = 0;
      const e0 = m.energyJ(g, t);
      let p = m.powerW(g, t);
      // Walk knot by knot with uneven first/last pieces: exact for piecewise-linear power.
      const end = T0 + 600_000 + 123;
      while (t < end) {
        const next = Math.min(end, (Math.floor(t / 200) + 1) * 200);
        const pn = m.powerW(g, next);
        sum += ((p + pn) / 2) * ((next - t) / 1000);
        t = next;
        p = pn;
      }
      expect(Math.abs(m.energyJ(g, end) - e0 - sum)).toBeLessThan(1e-6);
    }
  });

  it("power spans idle (~70 W) to near peak (~700 W) over an hour, following load", async () => {
    const { handle } = await sim({ gpus: 3, workloads: [{ name: "w", model: "m", gpus: [0, 1] }] });
    const m = handle.model;
    const ps = Array.from({ length: 3600 }, (_, i) => T0 + i * 1000).map((t) => [
      m.powerW(0, t),
      m.powerW(2, t),
      m.workloadLoad(0, t),
    ]);
    expect(Math.max(...ps.map((p) => p[0]))).toBeGreaterThan(550);
    // GPU 2 serves nothing: it stays at idle.
    expect(Math.max(...ps.map((p) => p[1]))).toBeLessThan(80);
    const hi = ps.filter((p) => p[2] > 0.7).map((p) => p[0]);
    const lo = ps.filter((p) => p[2] < 0.3).map((p) => p[0]);
    expect(Math.min(...hi)).toBeGreaterThan(Math.max(...lo));
  });
});

describe("tokens follow load", () => {
  it("token deltas are proportional to ∫ load, cache hits to prompt tokens", async () => {
    const { handle, clock } = await sim();
    const m = handle.model;
    const w = m.workloads[0];
    const model = `model_name="${w.model}"`;
    const read = async () => {
      const body = await scrape(handle.urls[w.endpoint]);
      return {
        gen: sample(body, "vllm:generation_tokens_total", model),
        prompt: sample(body, "vllm:prompt_tokens_total", model),
        hits: sample(body, "vllm:prefix_cache_hits_total", model),
        queries: sample(body, "vllm:prefix_cache_queries_total", model),
        loadS: m.workloadLoadS(0, clock.now),
      };
    };
    let prev = await read();
    const rows: { dGen: number; dLoadS: number }[] = [];
    for (let i = 0; i < 60; i++) {
      clock.now += 10_000;
      const cur = await read();
      const dGen = cur.gen - prev.gen;
      const dLoadS = cur.loadS - prev.loadS;
      expect(Math.abs(dGen - w.genPerS * dLoadS)).toBeLessThanOrEqual(1);
      expect(cur.prompt - prev.prompt).toBeGreaterThanOrEqual(0);
      expect(cur.queries).toBe(cur.prompt);
      rows.push({ dGen, dLoadS });
      prev = cur;
    }
    expect(prev.hits / prev.prompt).toBeCloseTo(w.hitRatio, 4);
    const busiest = rows.reduce((a, b) => (b.dLoadS > a.dLoadS ? b : a));
    const quietest = rows.reduce((a, b) => (b.dLoadS < a.dLoadS ? b : a));
    expect(busiest.dGen).toBeGreaterThan(quietest.dGen);
  });

  it("the gateway splits each workload's tokens by tenant weight", async () => {
    const { handle, clock } = await sim({
      tenants: [
        { name: "acme", weight: 3 },
        { name: "globex", weight: 1 },
      ],
    });
    const before = await scrape(handle.urls.gateway);
    const loadS0 = handle.model.workloadLoadS(0, clock.now);
    clock.now += 300_000;
    const after = await scrape(handle.urls.gateway);
    const delta = (team: string) =>
      sample(
        after,
        "litellm_output_tokens_metric_total",
        `team="${team}",team_alias="${team}",user="",model="llama-70b"`,
      ) -
      sample(
        before,
        "litellm_output_tokens_metric_total",
        `team="${team}",team_alias="${team}",user="",model="llama-70b"`,
      );
    const m = handle.model;
    const gen = m.workloads[0].genPerS * (m.workloadLoadS(0, clock.now) - loadS0);
    expect(delta("acme") + delta("globex")).toBeGreaterThan(gen - 3);
    expect(delta("acme") + delta("globex")).toBeLessThan(gen + 3);
    expect(delta("acme") / delta("globex")).toBeCloseTo(3, 2);
  });
});

describe("faults", () => {
  it("reset: one endpoint's counters restart at 0, the others carry on", async () => {
    const { handle, clock } = await sim();
    clock.now += 60_000;
    const energy = async () =>
      sample(await scrape(handle.urls.dcgm), "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", gpuLabel(0));
    const gen = async (ep: string) =>
      samples(await scrape(handle.urls[ep]), "vllm:generation_tokens_total")[0].value;
    const before = { e: await energy(), a: await gen("vllm-a"), b: await gen("vllm-b") };
    const res = await fetch(handle.controlUrl, {
      method: "POST",
      body: JSON.stringify({ reset: ["dcgm", "vllm-a"] }),
    });
    expect(res.status).toBe(200);
    expect(await energy()).toBe(0);
    expect(await gen("vllm-a")).toBe(0);
    clock.now += 10_000;
    const after = { e: await energy(), a: await gen("vllm-a"), b: await gen("vllm-b") };
    expect(after.e).toBeGreaterThan(0);
    expect(after.e).toBeLessThan(before.e);
    expect(after.a).toBeLessThan(before.a);
    expect(after.b).toBeGreaterThanOrEqual(before.b);
    const created = samples(
      await scrape(handle.urls["vllm-a"]),
      "vllm:generation_tokens_created",
    )[0].value;
    expect(created).toBeCloseTo((T0 + 60_000) / 1000, 3);
  });

  it("garbage: 200 with a body that has no valid sample", async () => {
    const { handle } = await sim();
    await handle.control({ endpoint: "gateway", garbage: true });
    const body = await scrape(handle.urls.gateway);
    expect(body).toBe(GARBAGE_BODY);
    expect(samples(body, "litellm_input_tokens_metric_total")).toEqual([]);
    await handle.control({ endpoint: "gateway", clear: true });
    expect(
      samples(await scrape(handle.urls.gateway), "litellm_input_tokens_metric_total").length,
    ).toBe(6);
  });

  it("slow: the reply waits slow_ms; other endpoints are unaffected", async () => {
    const { handle } = await sim({ faults: { "vllm-b": { slowMs: 400 } } });
    let t = Date.now();
    await scrape(handle.urls["vllm-b"]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(390);
    t = Date.now();
    await scrape(handle.urls["vllm-a"]);
    expect(Date.now() - t).toBeLessThan(390);
  });

  it("down: connection refused or 503, and back up on the same URL", async () => {
    const { handle } = await sim();
    const url = handle.urls.dcgm;
    const res = await fetch(handle.controlUrl, {
      method: "POST",
      body: JSON.stringify({ endpoint: "dcgm", down: true }),
    });
    const state = (await res.json()) as ControlState;
    expect(state.endpoints.dcgm.fault.down).toBe("refused");
    await expect(fetch(url)).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
    await handle.control({ endpoint: "dcgm", down: "503" });
    expect((await fetch(url)).status).toBe(503);
    await handle.control({ endpoint: "dcgm", down: false });
    expect(samples(await scrape(url), "DCGM_FI_DEV_POWER_USAGE").length).toBe(4);
  });

  it("rejects invalid control commands with 400 and the problems", async () => {
    const { handle } = await sim();
    const post = (body: string) => fetch(handle.controlUrl, { method: "POST", body });
    const bad = await post(JSON.stringify({ reset: "nope", slow: 3 }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(
      /unknown key "slow".*reset: unknown endpoint "nope"/,
    );
    expect((await post("{")).status).toBe(400);
    expect((await fetch(handle.controlUrl)).status).toBe(200);
  });
});

describe("lifecycle, determinism, agent config", () => {
  it("shutdown is idempotent and closes every port", async () => {
    const { handle } = await sim();
    await handle.shutdown();
    await handle.shutdown();
    await expect(fetch(handle.urls.dcgm)).rejects.toThrow();
    await expect(fetch(handle.controlUrl)).rejects.toThrow();
  });

  it("same seed and clock give the same bodies; another seed differs", async () => {
    const a = await sim({ seed: 5 });
    const b = await sim({ seed: 5 });
    const c = await sim({ seed: 6 });
    for (const s of [a, b, c]) s.clock.now = T0 + 90_000;
    const [da, db, dc] = await Promise.all([a, b, c].map((s) => scrape(s.handle.urls.dcgm)));
    expect(da.replace(/Hostname="[^"]*"/g, "")).toBe(db.replace(/Hostname="[^"]*"/g, ""));
    expect(dc).not.toBe(da);
  });

  it("writes a valid agent config pointing at its endpoints", async () => {
    const { handle } = await sim();
    const cfg = parseAgentConfig(
      handle.agentConfig({ collectorUrls: ["127.0.0.1:4317"] }),
      "sim.yaml",
    );
    expect(cfg.sources.map((s) => s.url)).toEqual([
      handle.urls.dcgm,
      handle.urls["vllm-a"],
      handle.urls["vllm-b"],
      handle.urls.gateway,
    ]);
    expect(cfg.workloads.map((w) => [w.name, w.tokens, w.gpus])).toEqual([
      ["llama-70b", "vllm-a", [0, 1]],
      ["qwen-32b", "vllm-b", [2, 3]],
    ]);
    expect(cfg.collector?.allow_plaintext).toBe(true);
  });

  it("throws SimulatorOptionsError for impossible options before listening", async () => {
    await expect(
      startSimulator({ gpus: 2, workloads: [{ name: "w", model: "m", gpus: [0, 5] }] }),
    ).rejects.toBeInstanceOf(SimulatorOptionsError);
    await expect(startSimulator({ faults: { nope: { garbage: true } } })).rejects.toMatchObject({
      code: "TW_ERR_SIM_OPTIONS",
    });
  });
});
