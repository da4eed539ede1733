/** One problem found in a config file. */
export interface ConfigIssue {
  file: string;
  /** Key path as written in the file, e.g. `sources[2].url`; `""` for the whole document. */
  path: string;
  /** 1-based line of the offending key or value, when the YAML has one. */
  line?: number;
  /** What is wrong and what is allowed. */
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.path === ""
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.path}: ${issue.message}`;
}

/**
 * An invalid config: thrown at start-up (misconfiguration throws at construction), carrying
 * every issue found so an operator fixes the file in one pass.
 */
export class ConfigError extends Error {
  readonly code = "TW_ERR_CONFIG";
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    const n = issues.length;
    super(
      `${file}: ${n} configuration error${n === 1 ? "" : "s"}\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n"),
    );
    this.name = "ConfigError";
    this.file = file;
    this.issues = issues;
  }
}
