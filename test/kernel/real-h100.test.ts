/**
 * Stage 1 on real telemetry: NVML's energy counter and power readings captured on an H100
 * (test/fixtures/device/README.md). The two methods must agree to within the lag of the
 * 1 s-averaged power reading, and the counter integrates exactly its increments.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SeriesMode } from "../../kernel/src/types.js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { REPO_ROOT } from "../helpers/cli.js";

const csv = readFileSync(
  join(REPO_ROOT, "test/fixtures/device/h100-sxm__580.159.04/nvml-energy.csv"),
  "utf8",
);
const rows = csv
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(","));
const timeS = Float64Array.from(rows, (r) => Number(r[0]) / 1000);
const energyJ = Float64Array.from(rows, (r) => Number(r[2]) / 1000);
const powerW = Float64Array.from(rows, (r) => Number(r[3]) / 1000);

describe("stage 1 on a real H100 capture", () => {
  test("energy counter and power trapezoid agree within 10 % over a load step, and a stalled sampler is a gap", () => {
    const n = timeS.length;
    const windowS = 60;
    const start = Math.floor(timeS[0] / windowS) * windowS;
    const nWindows = Math.ceil((timeS[n - 1] - start) / windowS);
    const out = loadWasmKernel().integrate({
      offsets: Int32Array.of(0, n, 2 * n),
      timeS: Float64Array.from([...timeS, ...timeS]),
      value: Float64Array.from([...energyJ, ...powerW]),
      mode: Uint8Array.of(SeriesMode.Counter, SeriesMode.Power),
      ceiling: Float64Array.of(1500, 1500),
      windowStartS: start,
      windowS,
      nWindows,
      maxGapS: 3,
    });
    const sum = (series: number, a: Float64Array) => {
      let s = 0;
      for (let w = 0; w < nWindows; w++) s += a[series * nWindows + w];
      return s;
    };
    const counterJ = sum(0, out.amount);
    const trapezoidJ = sum(1, out.amount);
    expect(out.rejected[0]).toBe(0);
    expect(out.rejected[1]).toBe(0);
    // The capture has one 6.3 s hole (the sampler stalled while the load started): a gap.
    let expectedJ = 0;
    let coveredS = 0;
    for (let i = 1; i < n; i++) {
      if (timeS[i] - timeS[i - 1] > 3) continue;
      expectedJ += energyJ[i] - energyJ[i - 1];
      coveredS += timeS[i] - timeS[i - 1];
    }
    expect(coveredS).toBeLessThan(timeS[n - 1] - timeS[0] - 6);
    expect(counterJ).toBeCloseTo(expectedJ, 6);
    expect(Math.abs(trapezoidJ - counterJ) / counterJ).toBeLessThan(0.1);
    expect(sum(0, out.coveredS)).toBeCloseTo(coveredS, 6);
    expect(sum(1, out.coveredS)).toBeCloseTo(coveredS, 6);
    // Idle ≈ 74 W and load ≈ 689 W, as nvidia-smi showed.
    expect(Math.min(...powerW)).toBeGreaterThan(60);
    expect(Math.max(...powerW)).toBeGreaterThan(600);
  });
});
