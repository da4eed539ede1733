/**
 * fast-check generators of stage-1 inputs: power and counter series with misaligned scrapes,
 * jitter, resets, gaps, duplicate times and bad samples (NaN, ±∞, negative, the DCGM blank
 * sentinel, over the ceiling, out of order). Shared by the property and parity tests.
 */
import fc from "fast-check";
import { SeriesMode, type Stage1Input } from "../../kernel/src/types.js";

/** 2026-01-01T00:00:00Z: a multiple of every window length. */
export const DAY0_S = 1_767_225_600;

export const POWER_CEILING_W = 1500;

export interface Stage1Options {
  modes?: readonly SeriesMode[];
  /** Inject invalid samples (default true). */
  bad?: boolean;
  /** Allow the 9.2e18 sentinel among bad samples (default true; off for scaling tests). */
  sentinel?: boolean;
  resets?: boolean;
  gaps?: boolean;
  /** Power series hold one value (default false). */
  constantPower?: boolean;
}

export interface SeriesCase {
  mode: SeriesMode;
  ceiling: number;
  timeS: number[];
  value: number[];
  /** Samples made invalid by value or order: what `rejected` must at least count. */
  invalid: number;
}

export interface Stage1Case {
  input: Stage1Input;
  series: SeriesCase[];
}

type StepKind = "normal" | "gap" | "reset" | "bad" | "dup";
type BadKind = "nan" | "inf" | "negative" | "sentinel" | "over" | "order" | "nanTime";

interface Step {
  kind: StepKind;
  bad: BadKind;
  jitter: number;
  level: number;
}

const unit = fc.double({ min: 0, max: 1, noNaN: true });

function stepArb(o: Stage1Options): fc.Arbitrary<Step> {
  const kinds: Array<fc.WeightedArbitrary<StepKind>> = [
    { weight: 30, arbitrary: fc.constant("normal") },
    { weight: 1, arbitrary: fc.constant("dup") },
  ];
  if (o.gaps !== false) kinds.push({ weight: 1, arbitrary: fc.constant("gap") });
  if (o.resets !== false) kinds.push({ weight: 2, arbitrary: fc.constant("reset") });
  if (o.bad !== false) kinds.push({ weight: 3, arbitrary: fc.constant("bad") });
  const bads: BadKind[] = ["nan", "inf", "negative", "over", "order", "nanTime"];
  if (o.sentinel !== false) bads.push("sentinel");
  return fc.record({
    kind: fc.oneof(...kinds),
    bad: fc.constantFrom(...bads),
    jitter: fc.double({ min: 0.5, max: 1.5, noNaN: true }),
    level: unit,
  });
}

interface SeriesShape {
  mode: SeriesMode;
  startFrac: number;
  base: number;
  level: number;
  steps: Step[];
}

function seriesShapeArb(o: Stage1Options): fc.Arbitrary<SeriesShape> {
  const modes = o.modes ?? [SeriesMode.Power, SeriesMode.Counter, SeriesMode.CounterNoGap];
  return fc.record({
    mode: fc.constantFrom(...modes),
    startFrac: unit,
    base: unit,
    level: unit,
    steps: fc.array(stepArb(o), { minLength: 0, maxLength: 90, size: "max" }),
  });
}

/** Builds one series from its shape; `scrapeS` and `maxGapS` are the input's. */
function buildSeries(
  shape: SeriesShape,
  o: Stage1Options,
  startS: number,
  span: number,
  scrapeS: number,
  maxGapS: number,
): SeriesCase {
  const { mode } = shape;
  const ceiling = mode === SeriesMode.CounterNoGap ? Number.POSITIVE_INFINITY : POWER_CEILING_W;
  const s: SeriesCase = { mode, ceiling, timeS: [], value: [], invalid: 0 };
  let t = startS - scrapeS * 2 + shape.startFrac * span * 0.5;
  // The last kept sample: the generator must know it to make an out-of-order one.
  let kept: { t: number; v: number } | undefined;
  let counter = mode === SeriesMode.Power ? 0 : 1e6 + shape.base * 1e8;
  const push = (tt: number, v: number): void => {
    s.timeS.push(tt);
    s.value.push(v);
  };
  const powerOf = (step: Step): number =>
    o.constantPower ? shape.level * 1000 : step.level * 1000;
  for (const step of shape.steps) {
    let dt = scrapeS * step.jitter;
    if (step.kind === "gap") dt = maxGapS + 0.5 + step.level * span * 0.5;
    if (step.kind === "dup" && kept !== undefined) dt = 0;
    if (step.kind === "bad") {
      s.invalid++;
      push(...badSample(step, kept, t + dt, mode, ceiling));
      continue;
    }
    t = (kept?.t ?? t) + dt;
    let v: number;
    if (mode === SeriesMode.Power) v = powerOf(step);
    else if (step.kind === "reset") v = step.level * 100;
    else if (step.kind === "dup" && mode === SeriesMode.Counter) v = counter;
    else {
      // Rate at most 90 % of the ceiling for energy, up to 500/s for tokens.
      const rate = mode === SeriesMode.Counter ? step.level * ceiling * 0.9 : step.level * 500;
      v = counter + rate * Math.min(dt, maxGapS);
      if (mode === SeriesMode.CounterNoGap) v = counter + rate * dt;
    }
    counter = v;
    push(t, v);
    kept = { t, v };
  }
  return s;
}

function badSample(
  step: Step,
  kept: { t: number; v: number } | undefined,
  t: number,
  mode: SeriesMode,
  ceiling: number,
): [number, number] {
  const v = kept?.v ?? 0;
  switch (step.bad) {
    case "nan":
      return [t, Number.NaN];
    case "inf":
      return [t, step.level < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY];
    case "negative":
      return [t, -1 - step.level * 10];
    case "sentinel":
      return [t, 9.2e18 + step.level * 1e17];
    case "over":
      return [t, mode === SeriesMode.Power ? ceiling * (1.01 + step.level) : Number.NaN];
    case "order":
      return kept === undefined ? [t, Number.NaN] : [kept.t - 0.1 - step.level * 5, v];
    case "nanTime":
      return [Number.NaN, v];
  }
}

export function stage1CaseArb(o: Stage1Options = {}): fc.Arbitrary<Stage1Case> {
  return fc
    .record({
      windowS: fc.constantFrom(10, 20, 60),
      nWindows: fc.integer({ min: 1, max: 4 }),
      startK: fc.integer({ min: 0, max: 1000 }),
      scrapeS: fc.constantFrom(0.5, 1, 2, 5, 7.3),
      series: fc.array(seriesShapeArb(o), { minLength: 1, maxLength: 4 }),
    })
    .map((r) => {
      const startS = DAY0_S + r.startK * r.windowS;
      const span = r.windowS * r.nWindows;
      const maxGapS = r.scrapeS * 3;
      const series = r.series.map((sh) => buildSeries(sh, o, startS, span, r.scrapeS, maxGapS));
      return { input: toStage1Input(series, startS, r.windowS, r.nWindows, maxGapS), series };
    });
}

export function toStage1Input(
  series: readonly SeriesCase[],
  windowStartS: number,
  windowS: number,
  nWindows: number,
  maxGapS: number,
): Stage1Input {
  const offsets = new Int32Array(series.length + 1);
  series.forEach((s, i) => {
    offsets[i + 1] = offsets[i] + s.timeS.length;
  });
  return {
    offsets,
    timeS: Float64Array.from(series.flatMap((s) => s.timeS)),
    value: Float64Array.from(series.flatMap((s) => s.value)),
    mode: Uint8Array.from(series, (s) => s.mode),
    ceiling: Float64Array.from(series, (s) => s.ceiling),
    windowStartS,
    windowS,
    nWindows,
    maxGapS,
  };
}
