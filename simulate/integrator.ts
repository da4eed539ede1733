/**
 * The integral of a piecewise-linear signal through knots at k × stepMs (absolute epoch
 * grid), evaluated at a monotone clock. Because the simulated signal *is* the
 * interpolation, the integral is exact, not an approximation: trapezoids between knots.
 * A clock that goes backwards is held at its latest reading, so counters never decrease.
 */
export class PiecewiseIntegrator {
  private readonly stepS: number;
  private knot: number;
  private vKnot: number;
  private vNext: number;
  /** ∫ from the knot at or before the start to `knot`, value × seconds. */
  private cumAtKnot = 0;
  /** The same integral up to the start time: subtracted so integrals begin at 0. */
  private readonly atStart: number;
  private lastMs: number;

  constructor(
    private readonly valueAtKnot: (k: number) => number,
    private readonly stepMs: number,
    startMs: number,
  ) {
    this.stepS = stepMs / 1000;
    this.knot = Math.floor(startMs / stepMs);
    this.vKnot = valueAtKnot(this.knot);
    this.vNext = valueAtKnot(this.knot + 1);
    this.lastMs = startMs;
    this.atStart = this.partial(startMs);
  }

  /** The start of the clock's latest reading, never earlier than a previous one. */
  private advance(timeMs: number): number {
    const t = Math.max(timeMs, this.lastMs);
    this.lastMs = t;
    const k = Math.floor(t / this.stepMs);
    while (this.knot < k) {
      this.cumAtKnot += ((this.vKnot + this.vNext) / 2) * this.stepS;
      this.knot++;
      this.vKnot = this.vNext;
      this.vNext = this.valueAtKnot(this.knot + 1);
    }
    return t;
  }

  private interp(t: number): number {
    const f = (t - this.knot * this.stepMs) / this.stepMs;
    return this.vKnot + (this.vNext - this.vKnot) * f;
  }

  private partial(t: number): number {
    const dtS = (t - this.knot * this.stepMs) / 1000;
    return this.cumAtKnot + ((this.vKnot + this.interp(t)) / 2) * dtS;
  }

  /** The signal at `timeMs` (clamped to the latest reading). */
  valueAt(timeMs: number): number {
    return this.interp(this.advance(timeMs));
  }

  /** ∫ signal dt from the start to `timeMs`, value × seconds. */
  integralTo(timeMs: number): number {
    return this.partial(this.advance(timeMs)) - this.atStart;
  }
}
