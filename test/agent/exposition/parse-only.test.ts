import { describe, expect, it } from "vitest";
import { parseExposition } from "../../../agent/exposition/parse.js";
import { createSource } from "../../../agent/sources/registry.js";

const body = [
  "# TYPE DCGM_FI_DEV_SM_CLOCK gauge",
  'DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-a"} not-a-number',
  "# TYPE DCGM_FI_DEV_POWER_USAGE gauge",
  'DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a",modelName="H100"} 312.5',
  'DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-b",modelName="H100"} bad',
  "",
].join("\n");

describe("parseExposition({ only })", () => {
  it("reads only the wanted sample names, and only their errors", () => {
    const all = parseExposition(body);
    expect(all.samples).toHaveLength(1);
    expect(all.errors.map((e) => e.line)).toEqual([2, 5]);
    const some = parseExposition(body, { only: new Set(["DCGM_FI_DEV_POWER_USAGE"]) });
    expect(some.samples.map((s) => s.value)).toEqual([312.5]);
    expect(some.errors.map((e) => e.line)).toEqual([5]);
    // Comments are still read: the skipped family keeps its declared type.
    expect(some.families.find((f) => f.name === "DCGM_FI_DEV_SM_CLOCK")?.type).toBe("gauge");
  });

  it("a line whose name cannot be read is parsed, so its error still counts", () => {
    const r = parseExposition('{"a.b"} 1\n9bad 1\n', { only: new Set(["x"]) });
    expect(r.samples).toEqual([{ name: "a.b", labels: {}, value: 1 }]);
    expect(r.errors).toHaveLength(1);
  });

  it("the dcgm source counts a malformed field it reads, not one it ignores", () => {
    const dcgm = createSource({ name: "d", kind: "dcgm", url: "http://127.0.0.1:9400/metrics" });
    const scrape = dcgm.parse(body, 1_000);
    expect(scrape.discarded).toBe(1);
    expect(scrape.gpus.find((g) => g.uuid === "GPU-a")?.powerW).toBe(312.5);
  });
});
