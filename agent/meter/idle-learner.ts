/**
 * Learns a GPU's idle power as a low percentile of its window mean power over windows in
 * which it served no tokens (docs/metering-model.md, "Idle power"). State is plain JSON so
 * the agent persists it across restarts and records it at the head of a capture.
 */
export interface IdleLearnerState {
  /** Per GPU UUID: recent idle-window mean powers (W), oldest first. */
  samples: Record<string, number[]>;
}

export const IDLE_PERCENTILE = 0.05;
export const IDLE_MIN_WINDOWS = 10;
/** One day of 60 s windows: enough to ride out a busy afternoon without forgetting. */
export const IDLE_MAX_WINDOWS = 1440;
/** A window must be mostly covered to say anything about idle power. */
const MIN_COVERAGE = 0.9;

export class IdleLearner {
  private state: IdleLearnerState;

  constructor(state?: IdleLearnerState) {
    this.state = { samples: { ...(state?.samples ?? {}) } };
  }

  observe(uuid: string, meanPowerW: number, coverage: number, servedTokens: number): void {
    if (servedTokens > 0 || coverage < MIN_COVERAGE || !(meanPowerW > 0)) return;
    const list = this.state.samples[uuid] ?? [];
    list.push(meanPowerW);
    if (list.length > IDLE_MAX_WINDOWS) list.splice(0, list.length - IDLE_MAX_WINDOWS);
    this.state.samples[uuid] = list;
  }

  /** The learned idle power, or undefined until enough idle windows were seen. */
  idleW(uuid: string): number | undefined {
    const list = this.state.samples[uuid];
    if (!list || list.length < IDLE_MIN_WINDOWS) return undefined;
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.floor(IDLE_PERCENTILE * (sorted.length - 1))];
  }

  snapshot(): IdleLearnerState {
    return {
      samples: Object.fromEntries(Object.entries(this.state.samples).map(([k, v]) => [k, [...v]])),
    };
  }
}
