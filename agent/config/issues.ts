/** Turns zod's structural issues into messages that say what was wrong and what is allowed. */
import type { z } from "zod";
import type { RawIssue } from "./raw.js";

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

const TYPE_WORDS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  boolean: "true or false",
  int: "an integer",
};

function describe(issue: z.core.$ZodIssue): string {
  const got = "input" in issue ? issue.input : undefined;
  switch (issue.code) {
    case "invalid_type":
      if (got === undefined)
        return `required; expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}; got ${show(got)}`;
    case "too_small": {
      if (issue.origin === "array")
        return `must have at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`;
      if (issue.origin === "string") return "must not be empty";
      const op = issue.inclusive ? ">=" : ">";
      return `must be ${op} ${issue.minimum}; got ${show(got)}`;
    }
    case "too_big": {
      const op = issue.inclusive ? "<=" : "<";
      return `must be ${op} ${issue.maximum}; got ${show(got)}`;
    }
    case "invalid_value":
      return `got ${show(got)}. Allowed: ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_format":
    case "invalid_union":
      return `${issue.message}; got ${show(got)}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}; got ${show(got)}`;
    default:
      return issue.message;
  }
}

/** One RawIssue per zod issue; unknown keys become one issue per key, at the key's path. */
export function fromZod(issues: readonly z.core.$ZodIssue[]): RawIssue[] {
  const out: RawIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...path, key], message: issue.message });
      continue;
    }
    out.push({ path, message: describe(issue) });
  }
  return out;
}
