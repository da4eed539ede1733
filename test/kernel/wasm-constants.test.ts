/** kernel/assembly/constants.ts and kernel/src/constants.ts must agree value for value. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BLANK_SENTINEL, Desc, LINE_F64_COUNT, Status } from "../../kernel/src/constants.js";
import { LINE_F64_COLUMNS, LineKind, SeriesMode } from "../../kernel/src/types.js";

const src = readFileSync(
  resolve(import.meta.dirname, "../../kernel/assembly/constants.ts"),
  "utf8",
);

function namespace(name: string): Record<string, number> {
  const body = src.match(new RegExp(`export namespace ${name} \\{([\\s\\S]*?)\\n\\}`))?.[1] ?? "";
  const out: Record<string, number> = {};
  for (const m of body.matchAll(/export const (\w+): \w+ = (\d+);/g)) out[m[1]] = Number(m[2]);
  return out;
}

describe("constants mirrored across the WASM boundary", () => {
  it("statuses", () => expect(namespace("Status")).toEqual(Status));
  it("descriptor slots", () => expect(namespace("Desc")).toEqual(Desc));
  it("series modes and line kinds", () => {
    expect(namespace("Mode")).toEqual(SeriesMode);
    expect(namespace("LineKind")).toEqual(LineKind);
  });
  it("line columns and the blank sentinel", () => {
    expect(src).toContain(`LINE_F64_COUNT: i32 = ${LINE_F64_COUNT};`);
    expect(LINE_F64_COLUMNS.length).toBe(LINE_F64_COUNT);
    expect(src).toContain(
      `BLANK_SENTINEL: f64 = ${BLANK_SENTINEL.toExponential().replace("+", "")};`,
    );
  });
});
