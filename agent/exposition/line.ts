import { parseNumber } from "./value.js";

/** One sample line, or the reason it is not one. Timestamps are left raw for the caller's format. */
export type LineResult =
  | {
      ok: true;
      name: string;
      labels: Record<string, string>;
      value: number;
      timestamp?: number;
    }
  | { ok: false; reason: string };

const isBlank = (c: number): boolean => c === 32 || c === 9;
/**
 * Sticky (`y`) regexps scan in native code: the agent parses every exporter every second, and
 * a char-by-char loop in JS is the largest share of its CPU (issue 3: footprint).
 */
const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const TOKEN = /[^ \t]*/y;
const PLAIN_LABEL = /[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"([^"\\]*)"[ \t]*([,}])/y;

/** Parses one non-comment line. Handles escaped label values, quoted (UTF-8) names, exemplars. */
export function parseSampleLine(line: string): LineResult {
  const cur = { i: 0 };
  skipBlanks(line, cur);
  let name = readName(line, cur, true);
  const afterName = cur.i;
  skipBlanks(line, cur);
  const labels: Record<string, string> = Object.create(null);
  if (line.charCodeAt(cur.i) !== 123) cur.i = afterName;
  else {
    cur.i++;
    const problem = readLabels(line, cur, labels, (quoted) => {
      if (name !== "") return false;
      name = quoted;
      return true;
    });
    if (problem !== undefined) return { ok: false, reason: problem };
  }
  if (name === "") return { ok: false, reason: "missing metric name" };
  const valueStart = cur.i;
  skipBlanks(line, cur);
  if (cur.i === valueStart) return { ok: false, reason: "expected whitespace before the value" };
  const value = parseNumber(readToken(line, cur));
  if (value === undefined) return { ok: false, reason: "invalid value" };
  skipBlanks(line, cur);
  if (cur.i >= line.length || line.charCodeAt(cur.i) === 35)
    return { ok: true, name, labels, value };
  const timestamp = parseNumber(readToken(line, cur));
  if (timestamp === undefined || !Number.isFinite(timestamp)) {
    return { ok: false, reason: "invalid timestamp" };
  }
  skipBlanks(line, cur);
  // Anything after the timestamp must be an OpenMetrics exemplar (`# {…} v`), which we drop.
  if (cur.i < line.length && line.charCodeAt(cur.i) !== 35) {
    return { ok: false, reason: "unexpected text after the timestamp" };
  }
  return { ok: true, name, labels, value, timestamp };
}

function readLabels(
  line: string,
  cur: { i: number },
  labels: Record<string, string>,
  bareQuotedName: (quoted: string) => boolean,
): string | undefined {
  for (;;) {
    // Fast path, in native regexp code: `name="plain value"` then `,` or `}` (what exporters
    // almost always write). Anything else (escapes, quoted names, errors) takes the slow path.
    PLAIN_LABEL.lastIndex = cur.i;
    const m = PLAIN_LABEL.exec(line);
    if (m !== null) {
      if (Object.hasOwn(labels, m[1])) return `duplicate label ${m[1]}`;
      labels[m[1]] = m[2];
      cur.i = PLAIN_LABEL.lastIndex;
      if (m[3] === "}") return undefined;
      continue;
    }
    skipBlanks(line, cur);
    if (line.charCodeAt(cur.i) === 125) {
      cur.i++;
      return undefined;
    }
    let key: string;
    if (line.charCodeAt(cur.i) === 34) {
      const quoted = readQuoted(line, cur);
      if (quoted === undefined) return "unterminated quoted name";
      key = quoted;
    } else {
      key = readName(line, cur, false);
      if (key === "") return "invalid label name";
    }
    skipBlanks(line, cur);
    const next = line.charCodeAt(cur.i);
    if (next === 44 || next === 125) {
      // `{"metric.name", a="b"}`: a lone quoted string is the metric name (OpenMetrics 2.0 / UTF-8).
      if (!bareQuotedName(key)) return "label without a value";
      if (next === 44) cur.i++;
      continue;
    }
    if (next !== 61) return "expected '=' after a label name";
    cur.i++;
    skipBlanks(line, cur);
    if (line.charCodeAt(cur.i) !== 34) return "expected '\"' to open a label value";
    const value = readQuoted(line, cur);
    if (value === undefined) return "unterminated label value";
    if (Object.hasOwn(labels, key)) return `duplicate label ${key}`;
    labels[key] = value;
    skipBlanks(line, cur);
    const sep = line.charCodeAt(cur.i);
    if (sep === 44) cur.i++;
    else if (sep !== 125) return "expected ',' or '}' after a label value";
  }
}

/** Reads `"…"` at the cursor, unescaping `\\`, `\"` and `\n`; other escapes are kept verbatim. */
function readQuoted(line: string, cur: { i: number }): string | undefined {
  let start = ++cur.i;
  const close = line.indexOf('"', start);
  const backslash = line.indexOf("\\", start);
  if (close >= 0 && (backslash < 0 || backslash > close)) {
    cur.i = close + 1;
    return line.slice(start, close);
  }
  let out = "";
  while (cur.i < line.length) {
    const c = line.charCodeAt(cur.i);
    if (c === 34) {
      out += line.slice(start, cur.i++);
      return out;
    }
    if (c === 92 && cur.i + 1 < line.length) {
      out += line.slice(start, cur.i);
      const e = line[cur.i + 1];
      out += e === "n" ? "\n" : e === "\\" || e === '"' ? e : `\\${e}`;
      cur.i += 2;
      start = cur.i;
      continue;
    }
    cur.i++;
  }
  return undefined;
}

function readName(line: string, cur: { i: number }, metric: boolean): string {
  NAME.lastIndex = cur.i;
  const m = NAME.exec(line);
  const name = m === null ? "" : m[0];
  cur.i += name.length;
  // Label names may not contain ':'; metric names may.
  return metric || !name.includes(":") ? name : "";
}

function readToken(line: string, cur: { i: number }): string {
  TOKEN.lastIndex = cur.i;
  const token = TOKEN.exec(line)?.[0] ?? "";
  cur.i += token.length;
  return token;
}

function skipBlanks(line: string, cur: { i: number }): void {
  while (cur.i < line.length && isBlank(line.charCodeAt(cur.i))) cur.i++;
}
