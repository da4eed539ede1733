/**
 * Validates decoded lines one by one: a bad line is refused with its reason and the rest go
 * on to the store. Cheap on purpose (it runs on every line at ingest rate): one pass, no
 * allocation for a valid line.
 */
import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { LineRejection } from "../../wire/collector-service.js";
import {
  atMost,
  CURRENCY,
  LANE_SET,
  type LineRejectReason,
  NON_NEGATIVE_FIELDS,
  REQUIRED_FIELDS,
  STRING_FIELDS,
  utcSeconds,
} from "./line-rules.js";

export interface LineScope {
  /** The authenticated batch's agent id: every line must carry it. */
  agentId: string;
  /** Tenants the caller may ship; undefined = any. */
  tenants?: ReadonlySet<string>;
  maxStringLength: number;
  /** Windows may not start later than this, epoch seconds (clock skew allowance included). */
  latestStartS: number;
  /** Parsed times by text: a batch repeats a few window bounds on every line. */
  times?: Map<string, number | undefined>;
}

function timeOf(s: string, scope: LineScope): number | undefined {
  const cache = scope.times;
  if (cache === undefined) return utcSeconds(s);
  if (cache.has(s)) return cache.get(s);
  const v = utcSeconds(s);
  cache.set(s, v);
  return v;
}

export interface Rejection extends LineRejection {
  reason: LineRejectReason;
}

export interface Validated {
  valid: UsageLine[];
  rejected: Rejection[];
}

/** The first rule `line` breaks, or undefined when it is valid. */
export function checkLine(
  line: UsageLine,
  scope: LineScope,
): { reason: LineRejectReason; detail: string } | undefined {
  for (const f of STRING_FIELDS) {
    const v = line[f];
    if (typeof v !== "string") return { reason: "missing_field", detail: `${f} is not a string` };
    if (v.length > scope.maxStringLength) {
      return {
        reason: "string_too_long",
        detail: `${f} has ${v.length} characters (limit ${scope.maxStringLength})`,
      };
    }
  }
  for (const f of REQUIRED_FIELDS) {
    if (line[f] === "") return { reason: "missing_field", detail: `${f} is empty` };
  }
  if (line.x_AgentId !== scope.agentId) {
    return {
      reason: "agent_mismatch",
      detail: `x_AgentId "${line.x_AgentId}" is not the batch's agent "${scope.agentId}"`,
    };
  }
  if (scope.tenants !== undefined && !scope.tenants.has(line.SubAccountId)) {
    return {
      reason: "tenant_not_allowed",
      detail: `SubAccountId "${line.SubAccountId}" is not granted to this caller`,
    };
  }
  const start = timeOf(line.ChargePeriodStart, scope);
  const end = timeOf(line.ChargePeriodEnd, scope);
  if (start === undefined || end === undefined) {
    return {
      reason: "bad_time",
      detail: `ChargePeriodStart/End "${line.ChargePeriodStart}"/"${line.ChargePeriodEnd}" are not YYYY-MM-DDTHH:mm:ssZ dates`,
    };
  }
  const length = end - start;
  if (length <= 0 || 86400 % length !== 0 || start % length !== 0) {
    return {
      reason: "bad_window",
      detail: `[${line.ChargePeriodStart}, ${line.ChargePeriodEnd}) is not an aligned window dividing a day`,
    };
  }
  if (start > scope.latestStartS) {
    return {
      reason: "future_window",
      detail: `ChargePeriodStart ${line.ChargePeriodStart} is in the future`,
    };
  }
  if (line.x_LineKind !== "usage" && line.x_LineKind !== "idle") {
    return {
      reason: "bad_line_kind",
      detail: `x_LineKind "${line.x_LineKind}" is not usage or idle`,
    };
  }
  if (!LANE_SET.has(line.x_Lane))
    return { reason: "bad_lane", detail: `x_Lane "${line.x_Lane}" is not a lane` };
  if (!CURRENCY.test(line.BillingCurrency)) {
    return {
      reason: "bad_currency",
      detail: `BillingCurrency "${line.BillingCurrency}" is not an ISO 4217 code`,
    };
  }
  for (const f of NON_NEGATIVE_FIELDS) {
    const v = line[f];
    if (typeof v !== "number" || !Number.isFinite(v))
      return { reason: "not_finite", detail: `${f} is ${v}` };
    if (v < 0) return { reason: "negative", detail: `${f} is ${v}` };
  }
  if (line.x_Coverage > 1)
    return { reason: "coverage_range", detail: `x_Coverage ${line.x_Coverage} is above 1` };
  if (!atMost(line.x_IdleEnergyJ, line.x_GpuEnergyJ)) {
    return { reason: "inconsistent", detail: "x_IdleEnergyJ exceeds x_GpuEnergyJ" };
  }
  if (!atMost(line.x_CachedTokens, line.x_PromptTokens)) {
    return { reason: "inconsistent", detail: "x_CachedTokens exceeds x_PromptTokens" };
  }
  if (!atMost(line.x_GpuSeconds, length)) {
    return {
      reason: "inconsistent",
      detail: `x_GpuSeconds ${line.x_GpuSeconds} exceeds the window (${length} s)`,
    };
  }
  return undefined;
}

export function validateLines(lines: readonly UsageLine[], scope: LineScope): Validated {
  const valid: UsageLine[] = [];
  const rejected: Rejection[] = [];
  const cached: LineScope = { ...scope, times: scope.times ?? new Map() };
  for (let row = 0; row < lines.length; row++) {
    const bad = checkLine(lines[row], cached);
    if (bad === undefined) valid.push(lines[row]);
    else rejected.push({ row, ...bad });
  }
  return { valid, rejected };
}
