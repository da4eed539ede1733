import type { TokenSpec } from "./common/tokens.js";
import { createTokenSource } from "./token-source.js";
import type { Source, SourceConfig } from "./types.js";

/** The label that names the tenant when `label` is not configured. */
export const LITELLM_DEFAULT_TENANT_LABEL = "team";

/**
 * LiteLLM gateway: the tenant split. One TokenSample per (model, tenant), summed over the
 * other labels (api key, user, end user). The model is `requested_model` (the model group
 * the client asked for, e.g. `llama-70b`) when present, else `model`; `model_label`
 * overrides that, and `model` keeps only one model. Input tokens include cached ones, as in
 * the OpenAI usage object.
 */
export function litellmSpec(config: SourceConfig): TokenSpec {
  const spec: TokenSpec = {
    prompt: ["litellm_input_tokens_metric_total", "litellm_input_tokens_total"],
    generation: ["litellm_output_tokens_metric_total", "litellm_output_tokens_total"],
    cached: ["litellm_input_cached_tokens_metric_total"],
    requests: ["litellm_requests_metric_total"],
    modelLabels: config.model_label ? [config.model_label] : ["requested_model", "model"],
    keyLabels: [],
    tenantLabel: config.label ?? LITELLM_DEFAULT_TENANT_LABEL,
  };
  if (config.model !== undefined) spec.model = config.model;
  return spec;
}

export function createLitellmSource(config: SourceConfig): Source {
  return createTokenSource(config, litellmSpec(config));
}
