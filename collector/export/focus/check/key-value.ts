/**
 * FOCUS Key-Value Format: a serialized JSON object (ECMA-404) with unique keys whose values
 * are numbers, strings, true, false or null. JSON.parse keeps the last of duplicate keys, so
 * uniqueness is checked by scanning the object's top-level keys.
 */
export interface KeyValueVerdict {
  object: boolean;
  uniqueKeys: boolean;
  scalarValues: boolean;
}

/** Top-level keys of a JSON object text, in order (assumes `text` parsed as an object). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j + 1;
      continue;
    }
    if (ch === "{" || ch === "[") {
      depth++;
      expectKey = ch === "{" && depth === 1;
    } else if (ch === "}" || ch === "]") depth--;
    else if (ch === "," && depth === 1) expectKey = true;
    i++;
  }
  return keys;
}

export function checkKeyValue(text: string): KeyValueVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { object: false, uniqueKeys: false, scalarValues: false };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { object: false, uniqueKeys: false, scalarValues: false };
  }
  const keys = topLevelKeys(text);
  return {
    object: true,
    uniqueKeys: new Set(keys).size === keys.length,
    scalarValues: Object.values(parsed).every((v) => v === null || typeof v !== "object"),
  };
}
