import { afterEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../agent/config/load.js";
import { createSource } from "../../agent/sources/registry.js";
import { type SimulatorHandle, startSimulator } from "../../simulate/index.js";

const running: SimulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.shutdown()));
});

/** The simulator is only useful if the agent's own sources read it like the real exporters. */
describe("the agent's sources read the simulator", () => {
  it("dcgm, vllm and litellm sources parse every endpoint without discards", async () => {
    let now = 1_760_000_000_000;
    const sim = await startSimulator({
      gpus: 4,
      workloads: 2,
      tenants: 2,
      seed: 3,
      clock: () => now,
    });
    running.push(sim);
    now += 30_000;
    const cfg = parseAgentConfig(sim.agentConfig(), "sim.yaml");
    const scrapes = new Map<string, Awaited<ReturnType<typeof read>>>();
    async function read(name: string) {
      const src = createSource(cfg.sources.find((s) => s.name === name)!);
      const r = await src.fetch(new AbortController().signal);
      if (!r.ok) throw r.error;
      return src.parse(r.body, r.timeMs);
    }
    for (const s of cfg.sources) scrapes.set(s.name, await read(s.name));
    const dcgm = scrapes.get("dcgm")!;
    expect(dcgm.discarded).toBe(0);
    expect(dcgm.gpus.map((g) => g.uuid)).toEqual(sim.model.gpus.map((g) => g.uuid));
    sim.model.gpus.forEach((g, i) => {
      expect(dcgm.gpus[i].powerW).toBeCloseTo(sim.model.powerW(i, now), 5);
      expect(dcgm.gpus[i].energyJ).toBeCloseTo(
        sim.model.energyJ(i, now) + sim.model.priorEnergyJ[i],
        2,
      );
      expect(dcgm.gpus[i].model).toBe(g.model);
    });
    const vllm = scrapes.get("vllm-a")!;
    expect(vllm.tokens).toHaveLength(1);
    expect(vllm.tokens[0]).toMatchObject({ model: sim.model.workloads[0].model });
    expect(vllm.tokens[0].cachedTokens).toBeLessThan(vllm.tokens[0].promptTokens!);
    const gateway = scrapes.get("gateway")!;
    expect(gateway.tokens.map((t) => `${t.model}/${t.tenant}`).sort()).toEqual([
      "llama-70b/acme",
      "llama-70b/globex",
      "qwen-32b/acme",
      "qwen-32b/globex",
    ]);
  });
});
