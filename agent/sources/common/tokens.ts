import type { Sample } from "../../exposition/types.js";
import type { Scrape, TokenSample } from "../types.js";
import { labelOf, type MetricIndex } from "./lookup.js";
import { usable } from "./values.js";

type Field = "promptTokens" | "cachedTokens" | "generationTokens" | "requests";

/**
 * How one server kind names its cumulative counters. Each field lists sample names in order
 * of preference (current name first, deprecated names after); the first present one is used.
 */
export interface TokenSpec {
  prompt?: readonly string[];
  cached?: readonly string[];
  generation?: readonly string[];
  requests?: readonly string[];
  /** Labels that name the model, in order of preference; `""` when none is present. */
  modelLabels: readonly string[];
  /**
   * Labels that separate independently restarting processes (vLLM `engine`, SGLang
   * `dp_rank`): each value gets its own TokenSample. Every other label (finished_reason,
   * is_streaming, cache_source, api key …) is summed inside the sample, because those
   * series live in one process and restart together.
   */
  keyLabels: readonly string[];
  /** Label that names the tenant (LiteLLM `team`). */
  tenantLabel?: string;
  /** Keep only this model (LiteLLM's configured model). */
  model?: string;
}

const FIELDS: readonly (readonly [Field, keyof TokenSpec])[] = [
  ["promptTokens", "prompt"],
  ["cachedTokens", "cached"],
  ["generationTokens", "generation"],
  ["requests", "requests"],
];

/**
 * One TokenSample per (model, key labels, tenant), fields summed over the other labels.
 * A field with any unusable contributor (NaN, negative, sentinel) is left undefined for that
 * sample: a partial sum would look like a counter decrease, i.e. a false restart.
 */
export function extractTokens(index: MetricIndex, spec: TokenSpec, scrape: Scrape): TokenSample[] {
  const out = new Map<string, TokenSample>();
  const poisoned = new Set<string>();
  for (const [field, specKey] of FIELDS) {
    const names = spec[specKey] as readonly string[] | undefined;
    if (names === undefined) continue;
    for (const s of index.firstPresent(names)) {
      const model = labelOf(s, ...spec.modelLabels) ?? "";
      if (spec.model !== undefined && model !== spec.model) continue;
      const tenant = spec.tenantLabel === undefined ? undefined : s.labels[spec.tenantLabel];
      const key = keyOf(s, model, spec.keyLabels, tenant);
      let sample = out.get(key);
      if (sample === undefined) {
        sample = { key, model };
        if (tenant !== undefined) sample.tenant = tenant;
        out.set(key, sample);
      }
      const v = usable(s.value, scrape);
      if (v === undefined || poisoned.has(`${key}\n${field}`)) {
        poisoned.add(`${key}\n${field}`);
        delete sample[field];
        continue;
      }
      sample[field] = (sample[field] ?? 0) + v;
    }
  }
  return [...out.values()];
}

function keyOf(s: Sample, model: string, keyLabels: readonly string[], tenant?: string): string {
  const parts = [`model=${model}`];
  for (const l of keyLabels) {
    const v = s.labels[l];
    if (v !== undefined) parts.push(`${l}=${v}`);
  }
  if (tenant !== undefined) parts.push(`tenant=${tenant}`);
  return parts.join("|");
}

/**
 * Sums token samples per (model, tenant): "sum over the engine label". The meter calls this
 * on per-key *increments*, after it has handled each key's restarts (a counter that went
 * down counts from zero), never on raw cumulative values of independently restarting keys.
 * A field is undefined in the result only when it is undefined in every input of the group.
 */
export function sumTokenSamples(samples: readonly TokenSample[]): TokenSample[] {
  const out = new Map<string, TokenSample>();
  for (const s of samples) {
    const key = s.tenant === undefined ? `model=${s.model}` : `model=${s.model}|tenant=${s.tenant}`;
    let sum = out.get(key);
    if (sum === undefined) {
      sum = { key, model: s.model };
      if (s.tenant !== undefined) sum.tenant = s.tenant;
      out.set(key, sum);
    }
    for (const [field] of FIELDS) {
      const v = s[field];
      if (v !== undefined) sum[field] = (sum[field] ?? 0) + v;
    }
  }
  return [...out.values()];
}
