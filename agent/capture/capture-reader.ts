import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { CaptureLine } from "./capture-writer.js";

export type CaptureEntry =
  | { ok: true; lineNumber: number; line: CaptureLine }
  | { ok: false; lineNumber: number; reason: string };

/** Reads a capture line by line; a malformed line is an entry with its reason, not a throw. */
export async function* readCapture(path: string): AsyncGenerator<CaptureEntry> {
  const rl = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text.trim() === "") continue;
    yield parseCaptureLine(text, n);
  }
}

export function parseCaptureLine(text: string, lineNumber: number): CaptureEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, lineNumber, reason: `not JSON: ${(e as Error).message}` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, lineNumber, reason: "not a JSON object" };
  }
  const o = raw as Record<string, unknown>;
  if (typeof o.ts !== "number" || !Number.isInteger(o.ts) || o.ts < 0) {
    return { ok: false, lineNumber, reason: "`ts` must be a non-negative integer (epoch ms)" };
  }
  if (typeof o.source !== "string" || o.source === "") {
    return { ok: false, lineNumber, reason: "`source` must be a non-empty string" };
  }
  if (typeof o.body !== "string") {
    return { ok: false, lineNumber, reason: "`body` must be a string" };
  }
  return { ok: true, lineNumber, line: { ts: o.ts, source: o.source, body: o.body } };
}
