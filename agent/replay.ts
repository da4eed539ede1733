import type { Kernel } from "../kernel/src/types.js";
import type { UsageLine } from "../kernel/src/usage-line.js";
import { readCapture } from "./capture/capture-reader.js";
import { STATE_SOURCE } from "./capture/capture-writer.js";
import { IdleLearner, type IdleLearnerState } from "./meter/idle-learner.js";
import { Meter } from "./meter/meter.js";
import type { MeterPlan } from "./meter/plan.js";
import type { WindowResult } from "./meter/window.js";
import { ingestBody } from "./runtime/agent.js";
import type { Source } from "./sources/types.js";

export interface ReplayKit {
  kernel: Kernel;
  /** Built with the learner the replay passes in, so idle W follows the recorded state. */
  plan: (learner: IdleLearner) => MeterPlan;
  sources: Source[];
  graceS: number;
  toLines: (w: WindowResult) => UsageLine[];
}

export interface ReplaySummary {
  linesRead: number;
  linesRejected: number;
  windows: number;
  usageLines: number;
  parseErrors: number;
}

/**
 * Feeds a capture through the same parsers, meter and kernel as the live agent, with the
 * capture's timestamps standing in for the clock; emits the lines of every complete window.
 */
export async function replayCapture(
  kit: ReplayKit,
  capturePath: string,
  emit: (lines: UsageLine[]) => void,
  diag: (message: string) => void,
): Promise<ReplaySummary> {
  const byName = new Map(kit.sources.map((s) => [s.config.name, s]));
  let learner = new IdleLearner();
  let meter: Meter | undefined;
  const summary: ReplaySummary = {
    linesRead: 0,
    linesRejected: 0,
    windows: 0,
    usageLines: 0,
    parseErrors: 0,
  };
  const meterFor = () => {
    meter ??= new Meter(kit.kernel, kit.plan(learner), { graceS: kit.graceS, learner });
    return meter;
  };
  for await (const entry of readCapture(capturePath)) {
    summary.linesRead++;
    if (!entry.ok) {
      summary.linesRejected++;
      diag(`${capturePath}:${entry.lineNumber}: rejected: ${entry.reason}`);
      continue;
    }
    const { line } = entry;
    if (line.source === STATE_SOURCE) {
      const state = parseState(line.body);
      if (!state || meter) {
        summary.linesRejected++;
        diag(
          `${capturePath}:${entry.lineNumber}: rejected: ${STATE_SOURCE} must be the first line and hold {"idle": {...}}`,
        );
        continue;
      }
      learner = new IdleLearner(state);
      continue;
    }
    const source = byName.get(line.source);
    if (!source) {
      summary.linesRejected++;
      diag(
        `${capturePath}:${entry.lineNumber}: rejected: source "${line.source}" is not in the config (sources: ${[...byName.keys()].join(", ")})`,
      );
      continue;
    }
    const windows = ingestBody(meterFor(), source, line.body, line.ts, (err) => {
      summary.parseErrors++;
      diag(
        `${capturePath}:${entry.lineNumber}: body of "${line.source}" not parsed: ${err.message}`,
      );
    });
    for (const w of windows) {
      const lines = kit.toLines(w);
      summary.windows++;
      summary.usageLines += lines.length;
      emit(lines);
    }
  }
  return summary;
}

function parseState(body: string): IdleLearnerState | undefined {
  try {
    const o = JSON.parse(body) as { idle?: IdleLearnerState };
    return o.idle && typeof o.idle.samples === "object" ? o.idle : undefined;
  } catch {
    return undefined;
  }
}
