import { describe, expect, it } from "vitest";
import { parseExposition } from "../../../agent/exposition/parse.js";
import { parseNumber } from "../../../agent/exposition/value.js";
import { readLocalFixture } from "../../helpers/shared-fixtures.js";

const one = (body: string) => {
  const parsed = parseExposition(body);
  expect(parsed.errors).toEqual([]);
  expect(parsed.samples).toHaveLength(1);
  return parsed.samples[0];
};

describe("parseNumber", () => {
  it.each([
    ["1", 1],
    ["-2.5", -2.5],
    [".5", 0.5],
    ["5.", 5],
    ["1.15891634176e+011", 1.15891634176e11],
    ["4.879232e+06", 4879232],
    ["1.25E-1", 0.125],
    ["+Inf", Number.POSITIVE_INFINITY],
    ["-Inf", Number.NEGATIVE_INFINITY],
    ["inf", Number.POSITIVE_INFINITY],
    ["9223372036854775794", Number(9223372036854775794n)],
  ])("%s → %d", (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it.each(["NaN", "nan", "-nan", "+nan"])("%s is NaN", (text) => {
    expect(parseNumber(text)).toBeNaN();
  });

  it.each(["", " 1", "0x10", "1e", "e5", "1,5", "abc", "--1", "1_000"])("rejects %j", (text) => {
    expect(parseNumber(text)).toBeUndefined();
  });
});

describe("parseExposition: lines", () => {
  it("reads escaped label values exactly", () => {
    const s = one('m{a="x\\"y",b="back\\\\slash",c="two\\nlines",d="keep\\tthis"} 1\n');
    expect(s.labels).toEqual({ a: 'x"y', b: "back\\slash", c: "two\nlines", d: "keep\\tthis" });
  });

  it("accepts commas, braces and spaces inside label values", () => {
    expect(one('m{a="x,y}",b=" z "} 1').labels).toEqual({ a: "x,y}", b: " z " });
  });

  it("accepts spaces between label pairs and a trailing comma", () => {
    expect(one('m{a="1", b="2",} 3').labels).toEqual({ a: "1", b: "2" });
  });

  it("reads Prometheus millisecond timestamps", () => {
    expect(one("m 1 1700000000123").timestampMs).toBe(1700000000123);
  });

  it("reads OpenMetrics second timestamps as milliseconds", () => {
    const parsed = parseExposition("m_total 1 1700000000.5\n# EOF\n");
    expect(parsed.format).toBe("openmetrics");
    expect(parsed.samples[0].timestampMs).toBe(1700000000500);
  });

  it("takes the format from the content type", () => {
    const parsed = parseExposition("m 1 2.5", {
      contentType: "application/openmetrics-text; version=1.0.0",
    });
    expect(parsed.samples[0].timestampMs).toBe(2500);
  });

  it("drops exemplars", () => {
    const s = one('m_bucket{le="1"} 3 # {trace_id="t"} 0.5 1.2');
    expect(s.value).toBe(3);
    expect(s.timestampMs).toBeUndefined();
  });

  it("reads a quoted UTF-8 metric name", () => {
    const s = one('{"gpu.power.watts",gpu="0"} 412.5');
    expect(s.name).toBe("gpu.power.watts");
    expect(s.labels).toEqual({ gpu: "0" });
  });

  it("handles CRLF, blank lines, leading spaces and no trailing newline", () => {
    const parsed = parseExposition('# TYPE a gauge\r\n\r\n  a 1\r\n\nb{x="1"} 2');
    expect(parsed.errors).toEqual([]);
    expect(parsed.samples.map((s) => [s.name, s.value])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it.each([
    ["m", "expected whitespace before the value"],
    ["m abc", "invalid value"],
    ["m{a=1} 2", "expected '\"' to open a label value"],
    ['m{a="1" 2', "expected ',' or '}' after a label value"],
    ['m{a="1} 2', "unterminated label value"],
    ['m{a="1",a="2"} 3', "duplicate label a"],
    ["m 1 notatime", "invalid timestamp"],
    ["m 1 2 3", "unexpected text after the timestamp"],
    ['m{a:b="1"} 2', "invalid label name"],
    ["1m 2", "missing metric name"],
    ['m{a="1"}2', "expected whitespace before the value"],
  ])("reports %j with its line number and keeps the rest", (line, reason) => {
    const parsed = parseExposition(`ok 1\n${line}\nalso_ok 2\n`);
    expect(parsed.samples.map((s) => s.name)).toEqual(["ok", "also_ok"]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ code: "TW_ERR_EXPOSITION_SYNTAX", line: 2, reason });
  });

  it("reports an unknown TYPE and content after # EOF", () => {
    const parsed = parseExposition("# TYPE m weird\nm 1\n# EOF\nlate 2\n");
    expect(parsed.errors.map((e) => e.line)).toEqual([1, 4]);
    expect(parsed.samples.map((s) => s.name)).toEqual(["m"]);
  });
});

describe("parseExposition: families", () => {
  it("groups Prometheus histogram and counter samples under their TYPE", () => {
    const parsed = parseExposition(
      [
        "# HELP h_seconds Latency.",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{le="+Inf"} 2',
        "h_seconds_sum 0.5",
        "h_seconds_count 2",
        "# TYPE c_total counter",
        "c_total 3",
        "# TYPE c_created gauge",
        "c_created 1.7e9",
        "tgi_request_success 109",
      ].join("\n"),
    );
    expect(parsed.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ["h_seconds", "histogram", 3],
      ["c_total", "counter", 1],
      ["c_created", "gauge", 1],
      ["tgi_request_success", "untyped", 1],
    ]);
    expect(parsed.families[0].help).toBe("Latency.");
  });

  it("reads the hand-written OpenMetrics fixture: _created, escapes, exponents, specials, no newline", () => {
    const body = readLocalFixture("exposition/openmetrics_created_escapes.txt");
    expect(body.endsWith("# EOF")).toBe(true);
    const parsed = parseExposition(body);
    expect(parsed.errors).toEqual([]);
    expect(parsed.format).toBe("openmetrics");
    const requests = parsed.families.find((f) => f.name === "tw_requests");
    expect(requests).toMatchObject({ type: "counter", unit: "requests" });
    expect(requests?.help).toBe("Requests served, with a \\ backslash and a \n newline.");
    expect(requests?.samples.map((s) => s.name)).toEqual([
      "tw_requests_total",
      "tw_requests_created",
    ]);
    const total = requests?.samples[0];
    expect(total?.labels).toEqual({ path: '/a"quoted"', note: "line1\nline2", back: "c:\\dir" });
    expect(total?.value).toBe(1500);
    expect(total?.timestampMs).toBeCloseTo(1700000000250, 3);
    expect(requests?.samples[1].value).toBe(1.7e9);
    const latency = parsed.families.find((f) => f.name === "tw_latency_seconds");
    expect(latency?.samples.map((s) => [s.name, s.value])).toEqual([
      ["tw_latency_seconds_bucket", 3],
      ["tw_latency_seconds_bucket", 4],
      ["tw_latency_seconds_sum", 0.125],
      ["tw_latency_seconds_count", 4],
      ["tw_latency_seconds_created", 1.7e9],
    ]);
    const temps = parsed.samples.filter((s) => s.name === "tw_temp").map((s) => s.value);
    expect(temps[0]).toBeNaN();
    expect(temps.slice(1)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.0045]);
  });
});
