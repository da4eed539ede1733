import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { crossCheck } from "./cross-checks.js";
import { applyDefaults } from "./defaults.js";
import type { ConfigIssue } from "./errors.js";
import { ConfigError } from "./errors.js";
import { fromZod } from "./issues.js";
import type { Path, RawIssue } from "./raw.js";
import { dropNulls, formatPath } from "./raw.js";
import { agentConfigSchema } from "./schema.js";
import type { AgentConfig } from "./types.js";

type Doc = ReturnType<typeof parseDocument>;

/** Line of the deepest node along `path` that exists in the document. */
function lineOf(doc: Doc, lines: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return undefined;
}

/**
 * Parses and validates a config text. Throws ConfigError (TW_ERR_CONFIG) listing every
 * problem: YAML syntax, types and ranges, and cross-field rules, each with its key path.
 */
export function parseAgentConfig(text: string, fileName: string): AgentConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      fileName,
      doc.errors.map((e) => ({
        file: fileName,
        path: "",
        ...(e.linePos === undefined ? {} : { line: e.linePos[0].line }),
        message: `YAML: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const raw = dropNulls(doc.toJS());
  const parsed = agentConfigSchema.safeParse(raw, { reportInput: true });
  const rawIssues: RawIssue[] = [
    ...(parsed.success ? [] : fromZod(parsed.error.issues)),
    ...crossCheck(raw),
  ];
  if (rawIssues.length > 0 || !parsed.success) {
    const issues: ConfigIssue[] = rawIssues.map((i) => {
      const line = lineOf(doc, lines, i.path);
      return {
        file: fileName,
        path: formatPath(i.path),
        ...(line === undefined ? {} : { line }),
        message: i.message,
      };
    });
    // File order reads best; issues without a line (rare) go last.
    issues.sort(
      (x, y) => (x.line ?? Number.MAX_SAFE_INTEGER) - (y.line ?? Number.MAX_SAFE_INTEGER),
    );
    throw new ConfigError(fileName, issues);
  }
  return applyDefaults(parsed.data);
}

/** Reads and validates a config file; an unreadable file is a ConfigError too. */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(path, [{ file: path, path: "", message: `cannot read: ${reason}` }]);
  }
  return parseAgentConfig(text, path);
}
