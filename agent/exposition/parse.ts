import { FamilyTable, toMetricType } from "./families.js";
import { parseSampleLine } from "./line.js";
import {
  type ExpositionFormat,
  ExpositionSyntaxError,
  type ParsedExposition,
  type Sample,
} from "./types.js";

export interface ParseOptions {
  /** `auto` (default): OpenMetrics when the content type says so or the body ends in `# EOF`. */
  format?: ExpositionFormat | "auto";
  /** The response's Content-Type, when known. */
  contentType?: string;
  /**
   * Only these sample names are wanted: other sample lines are skipped unread, so their
   * errors are not reported either. Comments are always read. The agent parses every
   * exporter every second and uses a few series of each (issue 3: footprint).
   */
  only?: ReadonlySet<string>;
}

/** The metric name a sample line starts with ("" when it starts otherwise, e.g. `{"a.b"}`). */
const LEADING_NAME = /[ \t]*([a-zA-Z_:][a-zA-Z0-9_:]*)/y;

/**
 * Parses a Prometheus text 0.0.4 or OpenMetrics 1.0 body. Lenient where real exporters are
 * sloppy (blank lines, no trailing newline, CRLF, spaces inside label sets, `-nan`, metadata
 * that does not match the samples) and strict where a value could be misread: a malformed
 * line is reported in `errors` and skipped, never guessed at, and never stops the parse.
 */
export function parseExposition(body: string, options: ParseOptions = {}): ParsedExposition {
  const format = detectFormat(body, options);
  const families = new FamilyTable();
  const samples: Sample[] = [];
  const errors: ExpositionSyntaxError[] = [];
  const lines = body.split("\n");
  let eof = false;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    if (eof) {
      errors.push(syntaxError("content after # EOF", n, line));
      continue;
    }
    if (line.trimStart().startsWith("#")) {
      const problem = readComment(line, families);
      if (problem === "eof") eof = true;
      else if (problem !== undefined) errors.push(syntaxError(problem, n, line));
      continue;
    }
    if (options.only !== undefined) {
      LEADING_NAME.lastIndex = 0;
      const name = LEADING_NAME.exec(line)?.[1];
      if (name !== undefined && !options.only.has(name)) continue;
    }
    const parsed = parseSampleLine(line);
    if (!parsed.ok) {
      errors.push(syntaxError(parsed.reason, n, line));
      continue;
    }
    const sample: Sample = { name: parsed.name, labels: parsed.labels, value: parsed.value };
    if (parsed.timestamp !== undefined) {
      // Prometheus text timestamps are integer milliseconds; OpenMetrics ones are seconds.
      sample.timestampMs = format === "openmetrics" ? parsed.timestamp * 1000 : parsed.timestamp;
    }
    samples.push(sample);
    families.add(sample);
  }
  return { format, samples, families: families.ordered, errors };
}

/** No per-line closure: this loop runs for every line of every scrape, every second. */
function syntaxError(reason: string, index: number, line: string): ExpositionSyntaxError {
  return new ExpositionSyntaxError(reason, index + 1, line.slice(0, 200));
}

function detectFormat(body: string, options: ParseOptions): ExpositionFormat {
  if (options.format !== undefined && options.format !== "auto") return options.format;
  if (options.contentType?.toLowerCase().includes("application/openmetrics-text")) {
    return "openmetrics";
  }
  return /(^|\n)# EOF\s*$/.test(body) ? "openmetrics" : "prometheus";
}

/** Applies `# HELP|TYPE|UNIT`; returns "eof", a problem, or undefined. Other comments are ignored. */
function readComment(line: string, families: FamilyTable): string | undefined {
  const m = /^\s*#\s*(HELP|TYPE|UNIT|EOF)(?:[ \t]+(\S+)(?:[ \t](.*))?)?\s*$/.exec(line);
  if (m === null) return undefined;
  const [, keyword, name, rest] = m;
  if (keyword === "EOF") return name === undefined ? "eof" : undefined;
  if (name === undefined) return `# ${keyword} without a metric name`;
  const family = families.declare(name);
  if (keyword === "HELP") family.help = unescapeHelp(rest ?? "");
  else if (keyword === "UNIT") family.unit = (rest ?? "").trim();
  else {
    const type = toMetricType((rest ?? "").trim());
    if (type === undefined) return `unknown metric type ${JSON.stringify(rest ?? "")}`;
    family.type = type;
  }
  return undefined;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(.)/g, (whole, c: string) =>
    c === "n" ? "\n" : c === "\\" || c === '"' ? c : whole,
  );
}
