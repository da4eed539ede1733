/**
 * Validates decoded line columns (wire LineColumnData) without building line objects: one
 * pass per column over typed arrays, each string checked once per run of equal values.
 * This pass is only a sufficient test of validity; a row it does not clear is built as an
 * object and judged by `checkLine` (validate.ts), which stays the one definition of the
 * rules and supplies the reason. So both paths accept and refuse exactly the same lines.
 */
import type { LineColumnData, LineStringField } from "../../wire/line-columns.js";
import { lineAt, TimeTexts } from "../../wire/line-rows.js";
import {
  atMost,
  CURRENCY,
  LANE_SET,
  NON_NEGATIVE_FIELDS,
  REQUIRED_FIELDS,
  STRING_FIELDS,
} from "./line-rules.js";
import { checkLine, type LineScope, type Rejection } from "./validate.js";

/** Which rows passed (`keep[row] === 1`), how many, and the refused rows with reasons. */
export interface ColumnVerdict {
  keep: Uint8Array;
  valid: number;
  rejected: Rejection[];
}

/** Canonical times from the wire are always this long (years 1901–2174). */
const TIME_TEXT_LENGTH = 20;

/** Flags (in `suspect`) the rows whose value in `col` fails `ok`; `ok` runs once per run. */
function flagStrings(
  col: readonly string[],
  suspect: Uint8Array,
  ok: (s: string) => boolean,
): void {
  let prev: string | undefined;
  let prevOk = true;
  for (let i = 0; i < col.length; i++) {
    const s = col[i];
    if (s !== prev) {
      prev = s;
      prevOk = ok(s);
    }
    if (!prevOk) suspect[i] = 1;
  }
}

function stringRule(field: LineStringField, scope: LineScope): (s: string) => boolean {
  const max = scope.maxStringLength;
  const required = (REQUIRED_FIELDS as readonly string[]).includes(field);
  const fits = (s: string) => s.length <= max && (!required || s !== "");
  switch (field) {
    case "x_AgentId":
      return (s) => fits(s) && s === scope.agentId;
    case "SubAccountId": {
      const tenants = scope.tenants;
      return tenants === undefined ? fits : (s) => fits(s) && tenants.has(s);
    }
    case "x_LineKind":
      return (s) => fits(s) && (s === "usage" || s === "idle");
    case "x_Lane":
      return (s) => fits(s) && LANE_SET.has(s);
    case "BillingCurrency":
      return (s) => fits(s) && CURRENCY.test(s);
    default:
      return fits;
  }
}

export function validateColumns(cols: LineColumnData, scope: LineScope): ColumnVerdict {
  const n = cols.count;
  const suspect = new Uint8Array(n);
  if (scope.maxStringLength < TIME_TEXT_LENGTH) suspect.fill(1);
  for (const f of STRING_FIELDS) {
    if (f === "ChargePeriodStart" || f === "ChargePeriodEnd") continue;
    flagStrings(cols.text[f], suspect, stringRule(f, scope));
  }
  const { startS, lengthS, numbers: v } = cols;
  for (let i = 0; i < n; i++) {
    const start = startS[i];
    const length = lengthS[i];
    if (length <= 0 || 86400 % length !== 0 || start % length !== 0) suspect[i] = 1;
    else if (start > scope.latestStartS) suspect[i] = 1;
  }
  for (const f of NON_NEGATIVE_FIELDS) {
    const col = v[f];
    for (let i = 0; i < n; i++) {
      const x = col[i];
      // NaN fails the first test.
      if (!(x >= 0) || x === Number.POSITIVE_INFINITY) suspect[i] = 1;
    }
  }
  const { x_Coverage: cov, x_IdleEnergyJ: idle, x_GpuEnergyJ: gpu } = v;
  const { x_CachedTokens: cached, x_PromptTokens: prompt, x_GpuSeconds: seconds } = v;
  for (let i = 0; i < n; i++) {
    if (
      cov[i] > 1 ||
      !atMost(idle[i], gpu[i]) ||
      !atMost(cached[i], prompt[i]) ||
      !atMost(seconds[i], lengthS[i])
    ) {
      suspect[i] = 1;
    }
  }
  const keep = new Uint8Array(n);
  const rejected: Rejection[] = [];
  const times = new TimeTexts();
  const judged: LineScope = { ...scope, times: scope.times ?? new Map() };
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const bad = suspect[i] === 1 ? checkLine(lineAt(cols, i, times), judged) : undefined;
    if (bad === undefined) {
      keep[i] = 1;
      valid++;
    } else rejected.push({ row: i, ...bad });
  }
  return { keep, valid, rejected };
}
