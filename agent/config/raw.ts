/** Defensive readers over the raw YAML tree, for checks that must run even when parts are invalid. */
export type Path = (string | number)[];

export interface RawIssue {
  path: Path;
  message: string;
}

export function rec(x: unknown): Record<string, unknown> | undefined {
  return typeof x === "object" && x !== null && !Array.isArray(x)
    ? (x as Record<string, unknown>)
    : undefined;
}

export function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string | undefined {
  return typeof x === "string" ? x : undefined;
}

export function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

/** YAML `key:` with nothing after it means "use the default": drop nulls from mappings. */
export function dropNulls(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(dropNulls);
  const r = rec(x);
  if (r === undefined) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null) out[k] = dropNulls(v);
  return out;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `["sources", 2, "url"]` → `sources[2].url`; odd keys are quoted: `by_model["NVIDIA H100"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && IDENT.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
