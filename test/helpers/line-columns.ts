/** Usage-line objects → the wire decoder's LineColumnData (times must be canonical). */
import type { UsageLine } from "../../kernel/src/usage-line.js";
import {
  LINE_NUMBER_COLUMNS,
  LINE_STRING_COLUMNS,
  type LineColumnData,
} from "../../wire/line-columns.js";

export function columnsOf(rows: readonly UsageLine[]): LineColumnData {
  const n = rows.length;
  const startS = new Float64Array(n);
  const lengthS = new Float64Array(n);
  rows.forEach((l, i) => {
    startS[i] = Date.parse(l.ChargePeriodStart) / 1000;
    lengthS[i] = Date.parse(l.ChargePeriodEnd) / 1000 - startS[i];
  });
  const text = Object.fromEntries(
    LINE_STRING_COLUMNS.map(([f]) => [f, rows.map((l) => l[f] ?? "")]),
  ) as LineColumnData["text"];
  const numbers = Object.fromEntries(
    LINE_NUMBER_COLUMNS.map(([f]) => [f, Float64Array.from(rows, (l) => l[f])]),
  ) as LineColumnData["numbers"];
  return { count: n, startS, lengthS, text, numbers };
}
