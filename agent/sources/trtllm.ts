import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/**
 * TensorRT-LLM. Cumulative tokens come from the Triton TensorRT-LLM backend's
 * `nv_llm_input_token_len` / `nv_llm_output_token_len` histograms (`_sum`). The backend's
 * `nv_trt_llm_*_metrics` token figures (`total_context_tokens`, `total_generation_tokens`)
 * are per-iteration gauges, not totals, and are deliberately ignored. Requests: Triton's
 * `nv_inference_request_success`, or trtllm-serve's `request_success_total`. Triton labels
 * the model `model` (e.g. `tensorrt_llm`, `ensemble`); each model × version is its own sample.
 */
export const TRTLLM_SPEC: TokenSpec = {
  prompt: ["nv_llm_input_token_len_sum"],
  generation: ["nv_llm_output_token_len_sum"],
  requests: [
    "nv_inference_request_success",
    "trtllm_request_success_total",
    "trtllm:request_success_total",
  ],
  modelLabels: ["model", "model_name"],
  keyLabels: ["version"],
};

export function createTrtllmSource(config: SourceConfig): Source {
  return createTokenSource(config, TRTLLM_SPEC);
}
