/** Runtime fault injection: the command shape shared by the HTTP control endpoint and the handle. */
import type { SimEndpoint } from "./endpoint.js";
import type { EndpointFault } from "./options.js";

/**
 * `POST /control` body. Faults (`slow_ms`, `garbage`, `down`) apply to `endpoint` (a name,
 * a list, or every endpoint when absent); `clear` first removes that endpoint's faults;
 * `reset` restarts the counters of the named endpoint(s) now.
 * Examples: `{"reset":"dcgm"}`, `{"endpoint":"vllm-a","down":true}`,
 * `{"endpoint":"gateway","slow_ms":3000}`, `{"clear":true}`.
 */
export interface ControlCommand {
  endpoint?: string | string[];
  reset?: string | string[];
  slow_ms?: number;
  garbage?: boolean;
  /** true or "refused": connection refused; "503": HTTP 503; false: up. */
  down?: boolean | "refused" | "503";
  clear?: boolean;
}

export interface ControlState {
  endpoints: Record<string, { kind: string; url: string; fault: EndpointFault }>;
}

export type ControlResult = { ok: true; state: ControlState } | { ok: false; error: string };

const KEYS = new Set(["endpoint", "reset", "slow_ms", "garbage", "down", "clear"]);

const asList = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/** Checks a decoded body; returns the problems (empty when valid). */
export function validateCommand(cmd: unknown, names: readonly string[]): string[] {
  if (typeof cmd !== "object" || cmd === null || Array.isArray(cmd))
    return ["expected a JSON object"];
  const c = cmd as Record<string, unknown>;
  const problems = Object.keys(c)
    .filter((k) => !KEYS.has(k))
    .map((k) => `unknown key "${k}"; allowed: ${[...KEYS].join(", ")}`);
  for (const key of ["endpoint", "reset"]) {
    const v = c[key];
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    for (const n of list)
      if (typeof n !== "string" || !names.includes(n))
        problems.push(
          `${key}: unknown endpoint ${JSON.stringify(n)}; allowed: ${names.join(", ")}`,
        );
  }
  if (c.slow_ms !== undefined && !(typeof c.slow_ms === "number" && c.slow_ms >= 0))
    problems.push("slow_ms: expected a number >= 0");
  if (c.garbage !== undefined && typeof c.garbage !== "boolean")
    problems.push("garbage: expected true or false");
  if (c.clear !== undefined && typeof c.clear !== "boolean")
    problems.push("clear: expected true or false");
  if (c.down !== undefined && ![true, false, "refused", "503"].includes(c.down as never))
    problems.push('down: expected true, false, "refused" or "503"');
  return problems;
}

export async function applyCommand(
  cmd: ControlCommand,
  endpoints: readonly SimEndpoint[],
  reset: (name: string) => void,
): Promise<void> {
  for (const name of asList(cmd.reset) ?? []) reset(name);
  const hasFault = cmd.slow_ms !== undefined || cmd.garbage !== undefined || cmd.down !== undefined;
  if (!hasFault && cmd.clear !== true) return;
  const targets = asList(cmd.endpoint);
  for (const ep of endpoints) {
    if (targets !== undefined && !targets.includes(ep.name)) continue;
    const f: EndpointFault =
      cmd.clear === true ? { slowMs: 0, garbage: false, down: false } : { ...ep.fault };
    if (cmd.slow_ms !== undefined) f.slowMs = cmd.slow_ms;
    if (cmd.garbage !== undefined) f.garbage = cmd.garbage;
    if (cmd.down !== undefined) f.down = cmd.down === true ? "refused" : cmd.down;
    await ep.setFault(f);
  }
}

export function stateOf(endpoints: readonly SimEndpoint[]): ControlState {
  return {
    endpoints: Object.fromEntries(
      endpoints.map((e) => [e.name, { kind: e.kind, url: e.url, fault: { ...e.fault } }]),
    ),
  };
}
