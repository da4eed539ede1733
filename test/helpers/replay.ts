import { replayKit } from "../../agent/bootstrap.js";
import { loadAgentConfig } from "../../agent/config/index.js";
import { type ReplaySummary, replayCapture } from "../../agent/replay.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";

/** Replays in-process exactly as `tokenwatt replay` does; returns lines and diagnostics. */
export async function replayToLines(
  configPath: string,
  capturePath: string,
): Promise<{ lines: UsageLine[]; diag: string[]; summary: ReplaySummary }> {
  const config = await loadAgentConfig(configPath);
  const lines: UsageLine[] = [];
  const diag: string[] = [];
  const summary = await replayCapture(
    replayKit(config),
    capturePath,
    (ls) => lines.push(...ls),
    (m) => diag.push(m),
  );
  return { lines, diag, summary };
}
