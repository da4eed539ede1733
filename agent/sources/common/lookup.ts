import type { ParsedExposition, Sample } from "../../exposition/types.js";
import { SourceConfigError } from "./errors.js";

/** Samples of one parse, indexed by sample name. */
export class MetricIndex {
  private readonly byName = new Map<string, Sample[]>();

  constructor(parsed: ParsedExposition) {
    for (const s of parsed.samples) {
      const list = this.byName.get(s.name);
      if (list === undefined) this.byName.set(s.name, [s]);
      else list.push(s);
    }
  }

  get(name: string): readonly Sample[] {
    return this.byName.get(name) ?? [];
  }

  /** Samples of the first name that is present: how a source prefers new names over old ones. */
  firstPresent(names: readonly string[]): readonly Sample[] {
    for (const name of names) {
      const found = this.byName.get(name);
      if (found !== undefined) return found;
    }
    return [];
  }
}

/** Value of the first label present among `names` (e.g. `Hostname`, then `hostname`). */
export function labelOf(sample: Sample, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = sample.labels[n];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A series selector from config: `name` or `name{label="value",…}` (equality only). */
export interface Selector {
  name: string;
  matchers: Readonly<Record<string, string>>;
}

/** Parses a selector; throws SourceConfigError (construction time) when it is malformed. */
export function parseSelector(text: string, source: string): Selector {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/.exec(text);
  if (m === null) {
    throw new SourceConfigError(`metric ${JSON.stringify(text)} is not a series selector`, {
      source,
    });
  }
  const matchers: Record<string, string> = {};
  const body = m[2] ?? "";
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  let at = 0;
  while (at < body.trim().length) {
    pair.lastIndex = at;
    const p = pair.exec(body);
    if (p === null) {
      throw new SourceConfigError(
        `metric ${JSON.stringify(text)}: only label="value" matchers are supported`,
        { source },
      );
    }
    matchers[p[1]] = p[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    at = pair.lastIndex;
  }
  return { name: m[1], matchers };
}

export function selectorMatches(sample: Sample, selector: Selector): boolean {
  if (sample.name !== selector.name) return false;
  for (const [k, v] of Object.entries(selector.matchers)) {
    if (sample.labels[k] !== v) return false;
  }
  return true;
}

/** A stable identity for a label set: sorted `k=v` pairs joined by `,`. */
export function labelSignature(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",");
}
