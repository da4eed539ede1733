import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExposition } from "../../../agent/exposition/parse.js";
import {
  HAVE_SHARED,
  readShared,
  SHARED_FIXTURES,
  warnIfNoShared,
} from "../../helpers/shared-fixtures.js";

warnIfNoShared("exposition/shared-fixtures");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The docs example carries a `$ curl` line and `...` elisions (see its README). */
const DOCS_EXAMPLE = "inference/vllm_v1_docs_design_metrics_example.txt";

describe.skipIf(!HAVE_SHARED)("every real exposition under ../shared/fixtures parses", () => {
  const files = HAVE_SHARED ? walk(SHARED_FIXTURES).map((p) => relative(SHARED_FIXTURES, p)) : [];
  // .txt files are expositions only when they carry metadata; the rest are nvidia-smi captures.
  const expositions = files.filter(
    (f) => f.endsWith(".prom") || (f.endsWith(".txt") && readShared(f).includes("# TYPE ")),
  );

  it("finds the fixtures", () => {
    expect(expositions.length).toBeGreaterThanOrEqual(20);
    expect(expositions).toContain(DOCS_EXAMPLE);
  });

  it.each(expositions.filter((f) => f !== DOCS_EXAMPLE))("%s", (file) => {
    const parsed = parseExposition(readShared(file));
    expect(parsed.errors).toEqual([]);
    expect(parsed.samples.length).toBeGreaterThan(0);
    const content = readShared(file)
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(parsed.samples).toHaveLength(content.length);
  });

  it(`${DOCS_EXAMPLE}: only its shell and elision lines are rejected`, () => {
    const body = readShared(DOCS_EXAMPLE);
    const parsed = parseExposition(body);
    expect(parsed.errors.map((e) => e.text)).toEqual(
      body.split("\n").filter((l) => l.startsWith("$ ") || l.trim() === "..."),
    );
    const stripped = body
      .split("\n")
      .filter((l) => !l.startsWith("$ ") && l.trim() !== "...")
      .join("\n");
    expect(parseExposition(stripped).errors).toEqual([]);
  });

  it("reads the values the READMEs name", () => {
    const value = (file: string, name: string) =>
      parseExposition(readShared(file)).samples.find((s) => s.name === name)?.value;
    expect(value("inference/nim_llm_datadog.prom", "process_virtual_memory_bytes")).toBe(
      1.15891634176e11,
    );
    expect(
      value("inference/vllm_v1_pr51670_grep_fragment.prom", "vllm:prefix_cache_hits_total"),
    ).toBe(4879232);
    expect(
      value("inference/llamacpp_pr11915_before_fix_nan.prom", "llamacpp:n_busy_slots_per_decode"),
    ).toBeNaN();
    expect(
      value("inference/tgi_datadog_payload_selected_families.prom", "tgi_request_success"),
    ).toBe(109);
  });

  it("keeps vLLM 0.10 _created gauges apart from their counters", () => {
    const parsed = parseExposition(readShared("inference/vllm_v1_0.10.0_glm45_fragment_a.prom"));
    const created = parsed.families.find((f) => f.name === "vllm:gpu_prefix_cache_hits_created");
    expect(created?.type).toBe("gauge");
    const hits = parsed.families.find((f) => f.name === "vllm:gpu_prefix_cache_hits_total");
    expect(hits?.type).toBe("counter");
    expect(hits?.samples.map((s) => s.value)).toEqual([0]);
  });

  it("parses the malformed Triton docs example leniently (space in the label set)", () => {
    const parsed = parseExposition(
      readShared("inference/triton_first_response_histogram_docs.prom"),
    );
    const buckets = parsed.samples.filter((s) => s.labels.le !== undefined);
    expect(buckets.map((s) => s.labels.le)).toEqual(["100", "500", "2000", "5000", "+Inf"]);
  });
});
