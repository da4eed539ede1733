/** Best-of-N and median wall times of a synchronous function, GC'd before each run. */
export interface Timing {
  bestS: number;
  medianS: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export function time(fn: () => void, reps: number): Timing {
  const all: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc?.();
    const t0 = process.hrtime.bigint();
    fn();
    all.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  all.sort((a, b) => a - b);
  return { bestS: all[0], medianS: all[Math.floor(all.length / 2)] };
}
