import { appendFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  dcgmBody,
  everySecond,
  GPU0,
  GPU1,
  litellmBody,
  scenarioConfig,
  T0,
  vllmBody,
  writeScenario,
} from "../../helpers/capture-builder.js";
import { runCli } from "../../helpers/cli.js";
import { replayToLines } from "../../helpers/replay.js";

const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 9);
const tokens = (i: number) => ({
  source: "vllm-a",
  body: vllmBody("llama", { prompt: 100 * i, gen: 50 * i, requests: i }),
});

/** Energy cost, GPU cost and carbon of a line, by the formulas of docs/metering-model.md. */
function expectPriced(line: Record<string, unknown>, facilityJ: number, gpuS: number) {
  const kwh = facilityJ / 3.6e6;
  const h = gpuS / 3600;
  close(line.x_EnergyCost as number, kwh * 0.2);
  close(line.x_GpuTimeCost as number, h * 3.6);
  close(line.ListCost as number, kwh * 0.2 + h * 3.6);
  close(line.EffectiveCost as number, (kwh * 0.2 + h * 3.6) * 0.9);
  close(line.x_CarbonG as number, kwh * 400 + h * 36);
}

describe("replay of hand-computed captures", () => {
  test("constant 400 W for a 10 s window", async () => {
    const s = writeScenario(
      scenarioConfig(),
      everySecond((i) => [
        { source: "dcgm", body: dcgmBody([{ uuid: GPU0, index: 0, powerW: 400 }]) },
        tokens(i),
      ]),
    );
    const { lines, summary } = await replayToLines(s.configPath, s.capturePath);
    expect(summary.windows).toBe(1);
    expect(lines).toHaveLength(1);
    const l = lines[0];
    expect(l.ChargePeriodStart).toBe("2026-01-01T00:00:00Z");
    expect(l.ChargePeriodEnd).toBe("2026-01-01T00:00:10Z");
    expect([l.ResourceId, l.x_Workload, l.SubAccountId, l.x_LineKind]).toEqual([
      GPU0,
      "llama",
      "acme",
      "usage",
    ]);
    expect(l.x_Model).toBe("llama"); // the model label vLLM reported
    close(l.x_GpuEnergyJ, 4000);
    close(l.x_IdleEnergyJ, 1000); // 100 W × 10 s, spread onto the only tenant
    close(l.x_FacilityEnergyJ, 6000); // PUE 1.5
    close(l.x_GpuSeconds, 10);
    close(l.x_PromptTokens, 1000);
    close(l.x_GenerationTokens, 500);
    close(l.x_Requests, 10);
    close(l.x_Coverage, 1);
    expectPriced(l as unknown as Record<string, unknown>, 6000, 10);
  });

  test("a linear ramp from 100 W to 1000 W integrates exactly", async () => {
    const s = writeScenario(
      scenarioConfig(),
      everySecond((i) => [
        { source: "dcgm", body: dcgmBody([{ uuid: GPU0, index: 0, powerW: 100 + 90 * i }]) },
        tokens(i),
      ]),
    );
    const { lines } = await replayToLines(s.configPath, s.capturePath);
    close(lines[0].x_GpuEnergyJ, 5500);
  });

  test("an energy counter reset mid-interval counts the later value (Prometheus increase)", async () => {
    const energy = (i: number) => (i <= 5 ? 1_000_000 + 400 * i : 100 + 400 * (i - 6));
    const s = writeScenario(
      scenarioConfig(),
      everySecond((i) => [
        {
          source: "dcgm",
          body: dcgmBody([{ uuid: GPU0, index: 0, powerW: 400, energyJ: energy(i) }]),
        },
        tokens(i),
      ]),
    );
    const { lines } = await replayToLines(s.configPath, s.capturePath);
    close(lines[0].x_GpuEnergyJ, 5 * 400 + 100 + 4 * 400);
  });

  test("a gap longer than max_gap_s adds no energy and lowers coverage", async () => {
    const s = writeScenario(
      scenarioConfig(),
      everySecond((i) => [
        ...(i >= 4 && i <= 7
          ? []
          : [{ source: "dcgm", body: dcgmBody([{ uuid: GPU0, index: 0, powerW: 400 }]) }]),
        tokens(i),
      ]),
    );
    const { lines } = await replayToLines(s.configPath, s.capturePath);
    close(lines[0].x_GpuEnergyJ, 400 * 5);
    close(lines[0].x_Coverage, 0.5);
    close(lines[0].x_IdleEnergyJ, 100 * 5);
    close(lines[0].x_GpuSeconds, 10); // the GPU is billed for the whole window
  });

  test("two tenants share by the gateway's weighted tokens", async () => {
    const s = writeScenario(
      scenarioConfig({ gateway: true }),
      everySecond((i) => [
        { source: "dcgm", body: dcgmBody([{ uuid: GPU0, index: 0, powerW: 400 }]) },
        tokens(i),
        {
          source: "gateway",
          body: litellmBody("llama", {
            a: { input: 30 * i, output: 15 * i },
            b: { input: 10 * i, output: 5 * i },
          }),
        },
      ]),
    );
    const { lines } = await replayToLines(s.configPath, s.capturePath);
    const by = Object.fromEntries(lines.map((l) => [l.SubAccountId, l]));
    expect(Object.keys(by).sort()).toEqual(["a", "b"]);
    close(by.a.x_GpuEnergyJ, 3000);
    close(by.b.x_GpuEnergyJ, 1000);
    close(by.a.x_PromptTokens, 750);
    close(by.b.x_GenerationTokens, 125);
    close(by.a.x_GpuSeconds + by.b.x_GpuSeconds, 10);
  });

  test("idle: separate puts idle energy on the owner's idle line; an unassigned GPU goes to the operator", async () => {
    const s = writeScenario(
      scenarioConfig({ idle: "separate" }),
      everySecond((i) => [
        {
          source: "dcgm",
          body: dcgmBody([
            { uuid: GPU0, index: 0, powerW: 400 },
            { uuid: GPU1, index: 1, powerW: 200 },
          ]),
        },
        tokens(i),
      ]),
    );
    const { lines } = await replayToLines(s.configPath, s.capturePath);
    const key = (l: (typeof lines)[number]) =>
      `${l.ResourceId}/${l.x_Workload}/${l.SubAccountId}/${l.x_LineKind}`;
    const by = Object.fromEntries(lines.map((l) => [key(l), l]));
    expect(Object.keys(by).sort()).toEqual([
      `${GPU0}/llama/acme/idle`,
      `${GPU0}/llama/acme/usage`,
      `${GPU1}//operator/idle`,
    ]);
    const usage = by[`${GPU0}/llama/acme/usage`];
    const idle = by[`${GPU0}/llama/acme/idle`];
    close(usage.x_GpuEnergyJ, 3000);
    close(usage.x_IdleEnergyJ, 0);
    close(idle.x_GpuEnergyJ, 1000);
    close(idle.x_IdleEnergyJ, 1000);
    close(usage.x_GpuSeconds, 7.5);
    close(idle.x_GpuSeconds, 2.5);
    close(idle.x_PromptTokens, 0);
    const spare = by[`${GPU1}//operator/idle`];
    close(spare.x_GpuEnergyJ, 2000);
    close(spare.x_IdleEnergyJ, 1000);
    close(spare.x_GpuSeconds, 10);
    expectPriced(spare as unknown as Record<string, unknown>, 3000, 10);
  });

  test("tokenwatt replay prints NDJSON on stdout, reports a malformed line by number and exits non-zero", async () => {
    const s = writeScenario(
      scenarioConfig(),
      everySecond((i) => [
        { source: "dcgm", body: dcgmBody([{ uuid: GPU0, index: 0, powerW: 400 }]) },
        tokens(i),
      ]),
    );
    const good = await runCli(["replay", "--config", s.configPath, "--capture", s.capturePath]);
    expect(good.code).toBe(0);
    const printed = good.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(printed).toHaveLength(1);
    expect(printed[0].x_GpuEnergyJ).toBeCloseTo(4000, 9);

    appendFileSync(s.capturePath, '{"ts": "soon", "source": "dcgm", "body": ""}\nnot json\n');
    const bad = await runCli([
      "replay",
      "--config",
      s.capturePath.replace("capture.ndjson", "agent.yaml"),
      "--capture",
      s.capturePath,
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/capture\.ndjson:23: rejected: `ts` must be/);
    expect(bad.stderr).toMatch(/capture\.ndjson:24: rejected: not JSON/);
    expect(bad.stdout.trim().split("\n")).toHaveLength(1);
    expect(T0 % 10).toBe(0);
  });
});
