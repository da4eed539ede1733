/** Usage lines → the columnar LineBlock, with bit-exact predictions (line-predictors.ts). */
import type { UsageLine } from "../kernel/src/usage-line.js";
import { WireError } from "./errors.js";
import { sameNumber, stepUlps } from "./float-bits.js";
import { LINE_NUMBER_COLUMNS, LINE_STRING_COLUMNS, type LineNumberField } from "./line-columns.js";
import {
  FRACTION_BIAS,
  FRACTION_COLUMNS,
  FRACTION_OFFSETS,
  fractionBases,
  J_PER_KWH,
  type ReadingIndex,
  S_PER_HOUR,
  TOKEN_COLUMNS,
} from "./line-predictors.js";
import { NumberColumnWriter } from "./number-column.js";
import type { tokenwatt } from "./proto.js";
import type { StringTable } from "./string-table.js";

type LineBlock = tokenwatt.v1.LineBlock.$Properties;

/** A factor guess and its nearest neighbours: the true factor is usually within 2 ulps. */
function guesses(g: number): number[] {
  return [g, stepUlps(g, 1), stepUlps(g, -1), stepUlps(g, 2), stepUlps(g, -2)];
}

export function encodeLines(
  lines: readonly UsageLine[],
  startS: readonly number[],
  endS: readonly number[],
  strings: StringTable,
  baseS: number,
  readings: ReadingIndex,
): LineBlock | WireError {
  const n = lines.length;
  const w = {} as Record<LineNumberField, NumberColumnWriter>;
  for (const [field] of LINE_NUMBER_COLUMNS) w[field] = new NumberColumnWriter(n);
  const stringIds = LINE_STRING_COLUMNS.map(() => new Array<number>(n));
  const startDeltaS = new Array<number>(n);
  const lengthS = new Array<number>(n);
  const fractionUlps = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    startDeltaS[i] = startS[i] - baseS;
    lengthS[i] = endS[i] - startS[i];
    if (lengthS[i] < 0) {
      return new WireError("TW_ERR_WIRE_TIME", "window ends before it starts", {
        row: i,
        field: "ChargePeriodEnd",
      });
    }
    LINE_STRING_COLUMNS.forEach(([field], c) => {
      stringIds[c][i] = strings.id(l[field] ?? "");
    });
    w.x_GpuSeconds.put(i, l.x_GpuSeconds);
    const ri = readings.indexOf(startS[i], l.ResourceId);
    const r = ri < 0 ? undefined : readings.readings[ri];
    const done = new Set<LineNumberField>();
    if (r !== undefined && lengthS[i] > 0) {
      const bases = fractionBases(r);
      const f0 = l.x_GpuSeconds / lengthS[i];
      let best = -1;
      let bestHits = 0;
      for (const off of FRACTION_OFFSETS) {
        const f = stepUlps(f0, off);
        let hits = 0;
        FRACTION_COLUMNS.forEach((field, c) => {
          if (sameNumber(f * bases[c], l[field])) hits++;
        });
        if (hits > bestHits) {
          best = off;
          bestHits = hits;
          if (hits === FRACTION_COLUMNS.length) break;
        }
      }
      if (bestHits > 0) {
        fractionUlps[i] = best + FRACTION_BIAS;
        const f = stepUlps(f0, best);
        FRACTION_COLUMNS.forEach((field, c) => {
          if (sameNumber(f * bases[c], l[field])) {
            w[field].predicted(i, 0);
            done.add(field);
          }
        });
      }
    }
    const tc = readings.tokens(ri, l.x_Workload, l.SubAccountId);
    for (const [field, key] of TOKEN_COLUMNS) {
      if (tc !== undefined && sameNumber(tc[key], l[field])) {
        w[field].predicted(i, 0);
        done.add(field);
      }
    }
    const kwh = l.x_FacilityEnergyJ / J_PER_KWH;
    if (
      w.x_EnergyCost.putByFactor(i, l.x_EnergyCost, (k) => kwh * k, guesses(l.x_EnergyCost / kwh))
    ) {
      done.add("x_EnergyCost");
    }
    const hours = l.x_GpuSeconds / S_PER_HOUR;
    if (
      w.x_GpuTimeCost.putByFactor(
        i,
        l.x_GpuTimeCost,
        (k) => hours * k,
        guesses(l.x_GpuTimeCost / hours),
      )
    ) {
      done.add("x_GpuTimeCost");
    }
    if (sameNumber(l.x_EnergyCost + l.x_GpuTimeCost, l.ListCost)) {
      w.ListCost.predicted(i, 0);
      done.add("ListCost");
    }
    const list = l.ListCost;
    if (
      w.EffectiveCost.putByFactor(
        i,
        l.EffectiveCost,
        (k) => list * k,
        guesses(l.EffectiveCost / list),
      )
    ) {
      done.add("EffectiveCost");
    }
    for (const [field] of LINE_NUMBER_COLUMNS) {
      if (field !== "x_GpuSeconds" && !done.has(field)) w[field].put(i, l[field]);
    }
  }
  const block: Record<string, unknown> = { count: n, startDeltaS, lengthS, fractionUlps };
  LINE_STRING_COLUMNS.forEach(([, key], c) => {
    block[key] = stringIds[c];
  });
  for (const [field, key] of LINE_NUMBER_COLUMNS) block[key] = w[field].finish();
  return block as LineBlock;
}
