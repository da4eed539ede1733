import { cpus, hostname, totalmem } from "node:os";
import { describe, expect, it } from "vitest";
import { readHostFacts } from "../../../agent/sources/host-facts.js";

describe("readHostFacts (this machine, via systeminformation)", () => {
  it("reports hostname, CPUs, memory and OS", async () => {
    const facts = await readHostFacts();
    expect(facts.hostname).toBe(hostname());
    expect(facts.cpus).toBe(cpus().length);
    expect(facts.memoryBytes).toBe(totalmem());
    expect(facts.platform).toBe(process.platform);
    expect(facts.arch).toBeTypeOf("string");
  }, 30_000);
});
