import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * Hugging Face TGI has no token counters. The `_sum` of its input-length and
 * generated-tokens histograms is cumulative tokens (each request observes its count once),
 * so it meters exactly like a counter. TGI serves one model and labels none: model `""`.
 * Its counters have no `_total` suffix (`tgi_request_success`).
 */
export const TGI_SPEC: TokenSpec = {
  prompt: ["tgi_request_input_length_sum"],
  generation: ["tgi_request_generated_tokens_sum"],
  requests: ["tgi_request_success"],
  modelLabels: [],
  keyLabels: [],
};

export function createTgiSource(config: SourceConfig): Source {
  return createTokenSource(config, TGI_SPEC);
}
