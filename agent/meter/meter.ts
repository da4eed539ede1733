import type { Kernel } from "../../kernel/src/types.js";
import type { Scrape } from "../sources/types.js";
import type { IdleLearner } from "./idle-learner.js";
import type { MeterPlan } from "./plan.js";
import { type RejectReason, SampleLog } from "./sample-log.js";
import { meterWindow, type WindowResult } from "./window.js";

export interface MeterOptions {
  /**
   * A window also closes when any source has scraped this long past its end, so a dead
   * exporter delays lines by at most this much instead of stopping them.
   */
  graceS: number;
  learner?: IdleLearner;
  onReject?: (source: string, reason: RejectReason) => void;
}

/**
 * Turns scrapes into finished windows. Pure with respect to time: it decides from the
 * scrapes' own timestamps when a window is complete, so a replay of a capture produces
 * exactly the windows the live agent produced.
 */
export class Meter {
  readonly log: SampleLog;
  private pendingStartS: number | undefined;
  private readonly required: string[];

  constructor(
    private readonly kernel: Kernel,
    private readonly plan: MeterPlan,
    private readonly options: MeterOptions,
  ) {
    this.log = new SampleLog(plan.gpuSources, plan.ceilingW);
    if (options.onReject) this.log.onReject = options.onReject;
    this.required = [...plan.gpuSources, ...plan.tokenSources];
  }

  /** Start of the window not yet finished, epoch seconds. */
  get pendingWindowStartS(): number | undefined {
    return this.pendingStartS;
  }

  ingest(scrape: Scrape): WindowResult[] {
    this.log.add(scrape);
    const W = this.plan.windowS;
    if (this.pendingStartS === undefined) {
      this.pendingStartS = Math.floor(scrape.timeMs / 1000 / W) * W;
    }
    const done: WindowResult[] = [];
    while (this.isComplete(this.pendingStartS + W)) {
      const result = meterWindow(this.kernel, this.plan, this.log, this.pendingStartS);
      this.learn(result);
      done.push(result);
      this.close(this.pendingStartS + W);
      this.pendingStartS += W;
    }
    return done;
  }

  /** Every GPU and token source has a scrape at or after the end, or the grace has run out. */
  private isComplete(endS: number): boolean {
    let latest = Number.NEGATIVE_INFINITY;
    let all = true;
    for (const t of this.log.lastScrapeS.values()) latest = Math.max(latest, t);
    for (const name of this.required) {
      if ((this.log.lastScrapeS.get(name) ?? Number.NEGATIVE_INFINITY) < endS) all = false;
    }
    return all || latest >= endS + this.options.graceS;
  }

  private close(endS: number): void {
    // A token counter that has not been scraped past the end saw no tokens up to the end as
    // far as anyone can know: pin its baseline there so a later increment lands in windows
    // still open rather than in one already shipped. Counts are never lost this way.
    for (const s of this.log.tokens.values()) {
      for (const b of [s.prompt, s.cached, s.gen, s.requests]) {
        if (b.t.length > 0 && b.lastTime < endS) b.push(endS, b.lastValue);
      }
    }
    this.log.trimBefore(endS);
  }

  private learn(result: WindowResult): void {
    const learner = this.options.learner;
    if (!learner) return;
    for (const g of result.gpus) {
      learner.observe(g.uuid, g.meanPowerW, g.coveredS / result.windowS, g.servedTokens);
    }
  }
}
