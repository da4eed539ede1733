import { SeriesMode as Mode, type SeriesMode, type Stage1Input } from "../../kernel/src/types.js";
import type { SeriesBuffer } from "./sample-log.js";

/**
 * Collects the series one window needs into the kernel's columnar stage-1 layout, so the
 * kernel integrates the whole host in one call.
 */
export class Stage1Batch {
  private readonly offsets: number[] = [0];
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private readonly modes: number[] = [];
  private readonly ceilings: number[] = [];

  constructor(
    private readonly startS: number,
    private readonly windowS: number,
  ) {}

  /** Adds a series and returns its index in the output. */
  add(buf: SeriesBuffer, mode: SeriesMode, ceiling: number): number {
    const end = this.startS + this.windowS;
    for (let i = 0; i < buf.t.length; i++) {
      this.times.push(buf.t[i]);
      this.values.push(buf.v[i]);
      // Samples past the first one at or after the window end cannot change this window.
      if (buf.t[i] >= end) break;
    }
    this.offsets.push(this.times.length);
    this.modes.push(mode);
    this.ceilings.push(ceiling);
    return this.modes.length - 1;
  }

  input(maxGapS: number): Stage1Input {
    return {
      offsets: Int32Array.from(this.offsets),
      timeS: Float64Array.from(this.times),
      value: Float64Array.from(this.values),
      mode: Uint8Array.from(this.modes),
      ceiling: Float64Array.from(this.ceilings),
      windowStartS: this.startS,
      windowS: this.windowS,
      nWindows: 1,
      maxGapS,
    };
  }
}

export { Mode };
