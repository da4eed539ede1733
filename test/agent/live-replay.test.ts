import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type SimulatorHandle, startSimulator } from "../../simulate/start.js";
import { CLI, requireBuiltCli, runCli } from "../helpers/cli.js";

/**
 * The live agent (a real `tokenwatt agent` process) against the simulator, recording; then
 * `tokenwatt replay` of its recording must print exactly the lines the agent produced.
 * TOKENWATT_LIVE_S sets how long it runs (default 120 s).
 */
const LIVE_S = Number(process.env.TOKENWATT_LIVE_S ?? 120);

describe("live agent vs replay of its recording", () => {
  let sim: SimulatorHandle;
  const dir = mkdtempSync(join(tmpdir(), "tw-live-"));
  const sink = join(dir, "lines.ndjson");
  const capture = join(dir, "capture.ndjson");
  const configPath = join(dir, "agent.yaml");

  beforeAll(async () => {
    requireBuiltCli();
    sim = await startSimulator({ gpus: 8, workloads: 2, tenants: 3, seed: 7 });
    writeFileSync(
      configPath,
      sim.agentConfig({ windowS: 5, listen: "127.0.0.1:0", spoolDir: join(dir, "spool"), sink }),
    );
  });
  afterAll(async () => {
    await sim?.shutdown();
  });

  test(
    `runs ${LIVE_S} s live, and replay reproduces every line`,
    async () => {
      const child = spawn(
        process.execPath,
        [CLI, "agent", "--config", configPath, "--record", capture],
        {
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      // A counter reset in the middle of the run, as a restarted vLLM would show.
      const reset = setTimeout(() => void sim.control({ reset: "vllm-a" }), (LIVE_S * 1000) / 2);
      await new Promise((r) => setTimeout(r, LIVE_S * 1000));
      clearTimeout(reset);
      const exited = new Promise<number | null>((r) => child.on("close", r));
      child.kill("SIGTERM");
      expect(await exited, stderr).toBe(0);

      const live = readFileSync(sink, "utf8").trim().split("\n");
      const windows = new Set(live.map((l) => JSON.parse(l).ChargePeriodStart));
      expect(windows.size).toBeGreaterThanOrEqual(Math.floor(LIVE_S / 5) - 3);

      const replay = await runCli(["replay", "--config", configPath, "--capture", capture]);
      expect(replay.code, replay.stderr).toBe(0);
      const replayed = replay.stdout.trim().split("\n");
      expect(replayed.length).toBe(live.length);
      expect(replayed).toEqual(live);
      // Every line is priced, positive and within its window.
      for (const text of live) {
        const l = JSON.parse(text);
        expect(l.x_GpuEnergyJ).toBeGreaterThanOrEqual(0);
        expect(l.x_Coverage).toBeLessThanOrEqual(1);
        expect(Number.isFinite(l.EffectiveCost)).toBe(true);
      }
    },
    (LIVE_S + 60) * 1000,
  );
});
