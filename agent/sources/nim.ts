import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * NVIDIA NIM for LLMs (`/v1/metrics`): vLLM's counters without the `vllm:` prefix; newer
 * images that keep the prefix are read too.
 */
export const NIM_SPEC: TokenSpec = {
  prompt: ["prompt_tokens_total", "vllm:prompt_tokens_total"],
  generation: ["generation_tokens_total", "vllm:generation_tokens_total"],
  cached: ["prefix_cache_hits_total", "vllm:prefix_cache_hits_total"],
  requests: ["request_success_total", "vllm:request_success_total"],
  modelLabels: ["model_name"],
  keyLabels: ["engine"],
};

export function createNimSource(config: SourceConfig): Source {
  return createTokenSource(config, NIM_SPEC);
}
