import { graceSeconds, linesOfWindow, planFromConfig, sourcesFromConfig } from "../../agent/bootstrap.js";
import { loadAgentConfig } from "../../agent/config/index.js";
import type { MeterPlan } from "../../agent/meter/plan.js";
import { replayCapture, type ReplaySummary } from "../../agent/replay.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";

/** Replays in-process exactly as `tokenwatt replay` does; returns lines and diagnostics. */
export async function replayToLines(
  configPath: string,
  capturePath: string,
): Promise<{ lines: UsageLine[]; diag: string[]; summary: ReplaySummary }> {
  const config = await loadAgentConfig(configPath);
  let plan: MeterPlan | undefined;
  const lines: UsageLine[] = [];
  const diag: string[] = [];
  const summary = await replayCapture(
    {
      kernel: loadWasmKernel(),
      plan: (learner) => {
        plan = planFromConfig(config, learner);
        return plan;
      },
      sources: sourcesFromConfig(config),
      graceS: graceSeconds(config),
      toLines: (w) => linesOfWindow(plan!, w),
    },
    capturePath,
    (ls) => lines.push(...ls),
    (m) => diag.push(m),
  );
  return { lines, diag, summary };
}
