import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IdleLearnerState } from "../meter/idle-learner.js";

/** Persists learned idle power in `agent.state_dir`, written atomically (temp + rename). */
export class IdleStateStore {
  readonly path: string;
  private pending: IdleLearnerState | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.path = join(stateDir, "idle-power.json");
  }

  load(): IdleLearnerState | undefined {
    try {
      const raw = JSON.parse(readFileSync(this.path, "utf8")) as IdleLearnerState;
      return raw && typeof raw.samples === "object" ? raw : undefined;
    } catch {
      return undefined;
    }
  }

  /** Coalesces saves: at most one write a second. */
  save(state: IdleLearnerState): void {
    this.pending = state;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, 1000);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writeNow();
  }

  private writeNow(): void {
    if (!this.pending) return;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.pending));
    renameSync(tmp, this.path);
    this.pending = undefined;
  }
}
