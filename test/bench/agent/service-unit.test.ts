import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { agentUnitPath, parseAgentUnit, readAgentUnit } from "../../../bench/agent/service-unit.js";

describe("the shipped agent unit (packaging/tokenwatt-agent.service)", () => {
  it("exists where the bench looks for it", () => {
    expect(existsSync(agentUnitPath())).toBe(true);
  });

  it("runs node with flags this node accepts", () => {
    const { nodeFlags, env } = readAgentUnit();
    expect(nodeFlags).toContain("--max-old-space-size=48");
    const r = spawnSync(process.execPath, [...nodeFlags, "-e", "0"], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("parseAgentUnit", () => {
  it("takes the --flags between node and the script, and Environment= pairs", () => {
    const unit = [
      "[Service]",
      'Environment="MALLOC_ARENA_MAX=2" UV_THREADPOOL_SIZE=2',
      "ExecStart=/usr/bin/node --a=1 --b /opt/tw/main.js agent --config /etc/x.yaml",
    ].join("\n");
    expect(parseAgentUnit(unit)).toEqual({
      nodeFlags: ["--a=1", "--b"],
      env: { MALLOC_ARENA_MAX: "2", UV_THREADPOOL_SIZE: "2" },
    });
  });

  it("refuses a unit that does not run node", () => {
    expect(() => parseAgentUnit("ExecStart=/usr/bin/tokenwatt agent")).toThrow(/node/);
  });
});
