import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** packaging/tokenwatt-agent.service, from dist/bench/agent/ or bench/agent/ alike. */
export function agentUnitPath(): string {
  const here = fileURLToPath(import.meta.url);
  const up = here.includes("/dist/") ? "../../../.." : "../../..";
  return resolve(here, up, "packaging", "tokenwatt-agent.service");
}

/** How the shipped unit runs node: its V8/node flags and its Environment= settings. */
export interface AgentUnitRuntime {
  nodeFlags: string[];
  env: Record<string, string>;
}

/**
 * Reads the node flags (the `--…` words between the node binary and the script in
 * ExecStart=) and Environment= pairs from the unit text, so the bench runs the agent exactly
 * as systemd does. Throws when the unit has no ExecStart= running node.
 */
export function parseAgentUnit(text: string): AgentUnitRuntime {
  const lines = text.split("\n").map((l) => l.trim());
  const exec = lines.find((l) => l.startsWith("ExecStart="));
  const words = exec?.slice("ExecStart=".length).trim().split(/\s+/) ?? [];
  if (words.length === 0 || !/(^|\/)node$/.test(words[0])) {
    throw new Error(`no ExecStart= running node in the agent unit (got ${JSON.stringify(exec)})`);
  }
  const nodeFlags: string[] = [];
  for (const w of words.slice(1)) {
    if (!w.startsWith("--")) break;
    nodeFlags.push(w);
  }
  const env: Record<string, string> = {};
  for (const l of lines.filter((x) => x.startsWith("Environment="))) {
    for (const pair of l.slice("Environment=".length).trim().split(/\s+/)) {
      const eq = pair.indexOf("=");
      if (eq > 0) env[pair.slice(0, eq).replace(/^"/, "")] = pair.slice(eq + 1).replace(/"$/, "");
    }
  }
  return { nodeFlags, env };
}

export function readAgentUnit(path = agentUnitPath()): AgentUnitRuntime {
  return parseAgentUnit(readFileSync(path, "utf8"));
}
