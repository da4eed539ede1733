import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * llama.cpp `llama-server --metrics` (and the ik_llama.cpp fork). `prompt_tokens_total`
 * counts prompt tokens actually processed: tokens reused from a slot's cache are not in it
 * and there is no cached-token counter, so reuse is metered as free rather than guessed.
 * There is no request counter either (only in-flight gauges). No labels: model `""`.
 */
export const LLAMACPP_SPEC: TokenSpec = {
  prompt: ["llamacpp:prompt_tokens_total"],
  generation: ["llamacpp:tokens_predicted_total"],
  modelLabels: [],
  keyLabels: [],
};

export function createLlamacppSource(config: SourceConfig): Source {
  return createTokenSource(config, LLAMACPP_SPEC);
}
