/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and
 * Jitter"): delay = random(0, min(max, initial × 2^attempt)). Full jitter spreads thousands of
 * agents retrying after a collector outage. There is no give-up time: attempts go on forever.
 */
export interface BackoffOptions {
  initialMillis: number;
  maxMillis: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly o: BackoffOptions) {}

  /** The next delay, ms; grows until reset(). */
  next(): number {
    const ceiling = Math.min(
      this.o.maxMillis,
      this.o.initialMillis * 2 ** Math.min(this.attempt, 30),
    );
    this.attempt++;
    return Math.floor((this.o.random ?? Math.random)() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
