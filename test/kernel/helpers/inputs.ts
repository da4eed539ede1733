/** Small hand-made kernel inputs for the loader and status tests. */
import { SeriesMode, type Stage1Input, type Stage2Input } from "../../../kernel/src/types.js";

/** `n` power samples a second, 300 W rising slowly, from one window start. */
export function powerSeries(n: number, nWindows = Math.ceil(n / 60)): Stage1Input {
  const S = 1_700_000_040;
  return {
    offsets: Int32Array.from([0, n]),
    timeS: Float64Array.from({ length: n }, (_, i) => S + i + 0.25),
    value: Float64Array.from({ length: n }, (_, i) => 300 + (i % 97)),
    mode: Uint8Array.from([SeriesMode.Power]),
    ceiling: Float64Array.from([1000]),
    windowStartS: S,
    windowS: 60,
    nWindows,
    maxGapS: 15,
  };
}

/** One window, two GPUs, one workload with one tenant on both. */
export function oneWindow(): Stage2Input {
  const f = (...x: number[]) => Float64Array.from(x);
  const i = (...x: number[]) => Int32Array.from(x);
  return {
    promptWeight: 0.25,
    cachedWeight: 0.025,
    idleSeparate: false,
    windows: {
      startS: f(1_700_000_040),
      lengthS: f(60),
      hostJ: f(600),
      overheadJ: f(Number.NaN),
      pue: f(1.2),
      pricePerKwh: f(0.2),
      carbonGPerKwh: f(400),
      gpuRatePerHour: f(2),
      discount: f(0.1),
      embodiedGPerGpuHour: f(20),
    },
    readings: {
      window: i(0, 0),
      energyJ: f(30_000, 12_000),
      coveredS: f(60, 60),
      idleW: f(70, 70),
      ownerWorkload: i(0, 0),
      ownerTenant: i(0, 0),
    },
    contributions: {
      window: i(0),
      workload: i(0),
      tenant: i(0),
      prompt: f(1000),
      cached: f(200),
      gen: f(500),
      requests: f(10),
      gpuStart: i(0),
      gpuCount: i(2),
      gpuIndex: i(0, 1),
    },
  };
}
