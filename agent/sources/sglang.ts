import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * SGLang. `cached_tokens_total` is summed over `cache_source` (device, host, storage) and
 * every counter over `is_streaming`; data-parallel ranks are kept apart (`dp_rank`).
 */
export const SGLANG_SPEC: TokenSpec = {
  prompt: ["sglang:prompt_tokens_total"],
  generation: ["sglang:generation_tokens_total"],
  cached: ["sglang:cached_tokens_total"],
  requests: ["sglang:num_requests_total"],
  modelLabels: ["model_name"],
  keyLabels: ["dp_rank"],
};

export function createSglangSource(config: SourceConfig): Source {
  return createTokenSource(config, SGLANG_SPEC);
}
