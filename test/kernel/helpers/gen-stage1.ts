/** fast-check generator of stage-1 inputs with every defect the model handles. */
import fc from "fast-check";
import { SeriesMode, type Stage1Input } from "../../../kernel/src/types.js";

/** One sample step: how far time moves and what happens to the value. */
const step = fc.record({
  dt: fc.oneof(
    fc.constant(0),
    fc.double({ min: 0.05, max: 6, noNaN: true }),
    fc.integer({ min: 1, max: 15 }),
    fc.double({ min: 20, max: 200, noNaN: true }),
  ),
  defect: fc.constantFrom(
    "none",
    "none",
    "none",
    "none",
    "none",
    "none",
    "nan",
    "inf",
    "neg",
    "sentinel",
    "back",
    "nanTime",
    "reset",
    "spike",
  ),
  x: fc.double({ min: 0, max: 1, noNaN: true }),
});

const series = fc.record({
  mode: fc.constantFrom(SeriesMode.Power, SeriesMode.Counter, SeriesMode.CounterNoGap),
  ceiling: fc.constantFrom(400, 1000, 1e6, Number.POSITIVE_INFINITY),
  startOffset: fc.double({ min: -150, max: 200, noNaN: true }),
  aligned: fc.boolean(),
  base: fc.constantFrom(0, 5e3, 1.234e12),
  steps: fc.array(step, { maxLength: 90 }),
});

export const stage1Input = fc
  .record({
    windowS: fc.constantFrom(10, 60),
    nWindows: fc.integer({ min: 0, max: 6 }),
    maxGapS: fc.constantFrom(5, 15, 45, 1e9),
    series: fc.array(series, { minLength: 1, maxLength: 5 }),
  })
  .map(({ windowS, nWindows, maxGapS, series: list }): Stage1Input => {
    const S = windowS * 28_333_334;
    const times: number[] = [];
    const values: number[] = [];
    const offsets = [0];
    for (const s of list) {
      let t = S + (s.aligned ? Math.round(s.startOffset / windowS) * windowS : s.startOffset);
      let counter = s.base;
      for (const st of s.steps) {
        // An aligned series lands on window edges whenever its steps are whole.
        t += s.aligned ? Math.round(st.dt) : st.dt;
        let v: number;
        if (s.mode === SeriesMode.Power) v = st.x * 1100;
        else {
          counter += st.x * 900 * Math.max(st.dt, 0.5);
          v = counter;
        }
        let time = t;
        switch (st.defect) {
          case "nan":
            v = Number.NaN;
            break;
          case "inf":
            v = Number.POSITIVE_INFINITY;
            break;
          case "neg":
            v = -1 - st.x;
            break;
          case "sentinel":
            v = 9.2e18 + st.x * 1e18;
            break;
          case "back":
            time = t - 1 - st.x * 30;
            break;
          case "nanTime":
            time = Number.NaN;
            break;
          case "reset":
            counter = st.x * 100;
            v = s.mode === SeriesMode.Power ? 0 : counter;
            break;
          case "spike":
            if (s.mode === SeriesMode.Power) v = 1e5;
            else {
              counter += 1e8;
              v = counter;
            }
            break;
        }
        times.push(time);
        values.push(v);
      }
      offsets.push(times.length);
    }
    return {
      offsets: Int32Array.from(offsets),
      timeS: Float64Array.from(times),
      value: Float64Array.from(values),
      mode: Uint8Array.from(list.map((s) => s.mode)),
      ceiling: Float64Array.from(list.map((s) => s.ceiling)),
      windowStartS: S,
      windowS,
      nWindows,
      maxGapS,
    };
  });
