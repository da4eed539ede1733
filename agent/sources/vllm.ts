import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * vLLM, V0 and V1 engines. V1 labels every series with `engine` (one per data-parallel
 * engine process); each engine is its own TokenSample so one engine's restart is seen as a
 * restart. The meter sums engines with `sumTokenSamples` after restart handling.
 * Cached tokens: `vllm:prefix_cache_hits_total` (V1, in tokens), else the deprecated
 * `vllm:gpu_prefix_cache_hits_total` (0.10.x); V0 has no cached-token counter. External
 * (KV-connector) cache hits are not counted as cached. Requests: successes, all reasons.
 */
export const VLLM_SPEC: TokenSpec = {
  prompt: ["vllm:prompt_tokens_total"],
  generation: ["vllm:generation_tokens_total"],
  cached: ["vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"],
  requests: ["vllm:request_success_total"],
  modelLabels: ["model_name"],
  keyLabels: ["engine"],
};

export function createVllmSource(config: SourceConfig): Source {
  return createTokenSource(config, VLLM_SPEC);
}
