/**
 * vLLM v1 `/metrics` for one workload (one engine): token, prefix-cache and request
 * counters with their `_created` gauges, as prometheus_client prints them (labels sorted,
 * `engine` then `model_name`, values through floatToGoString).
 */
import type { CounterBaselines } from "./counters.js";
import { family, labels, pyFloat } from "./expo.js";
import type { SimModel } from "./model.js";
import { tokenAmounts } from "./model.js";

export function renderVllm(
  model: SimModel,
  base: CounterBaselines,
  w: number,
  timeMs: number,
): string {
  const wl = model.workloads[w];
  const t = tokenAmounts(wl, model.workloadLoadS(w, timeMs) - base.vllm[w]);
  const load = model.workloadLoad(w, timeMs);
  const created = base.createdS.get(wl.endpoint) ?? 0;
  const engine: [string, string] = ["engine", "0"];
  const modelName: [string, string] = ["model_name", wl.model];
  const lbl = labels([engine, modelName]);
  const counter = (name: string, help: string, value: number): string[] => [
    ...family(`${name}_total`, "counter", help),
    `${name}_total${lbl} ${pyFloat(value)}`,
    ...family(`${name}_created`, "gauge", help),
    `${name}_created${lbl} ${pyFloat(created)}`,
  ];
  const requests = Math.floor(t.requests);
  // ~90 % of requests stop on EOS, the rest hit max_tokens; ceil keeps both monotone.
  const length = Math.ceil(requests * 0.1);
  const lines = [
    ...family(
      "vllm:num_requests_running",
      "gauge",
      "Number of requests in model execution batches.",
    ),
    `vllm:num_requests_running${lbl} ${pyFloat(Math.round(48 * wl.gpus.length * load))}`,
    ...family("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed."),
    `vllm:num_requests_waiting${lbl} ${pyFloat(Math.max(0, Math.round(200 * (load - 0.9))))}`,
    ...family("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage."),
    `vllm:kv_cache_usage_perc${lbl} ${pyFloat(0.05 + 0.85 * load)}`,
    ...counter(
      "vllm:prefix_cache_queries",
      "Prefix cache queries, in terms of number of queried tokens.",
      Math.floor(t.prompt),
    ),
    ...counter(
      "vllm:prefix_cache_hits",
      "Prefix cache hits, in terms of number of cached tokens.",
      Math.floor(t.cached),
    ),
    ...counter("vllm:prompt_tokens", "Number of prefill tokens processed.", Math.floor(t.prompt)),
    ...counter(
      "vllm:generation_tokens",
      "Number of generation tokens processed.",
      Math.floor(t.gen),
    ),
    ...family("vllm:request_success_total", "counter", "Count of successfully processed requests."),
    ...(
      [
        ["abort", 0],
        ["length", length],
        ["stop", requests - length],
      ] as const
    ).map(
      ([reason, n]) =>
        `vllm:request_success_total${labels([engine, ["finished_reason", reason], modelName])} ${pyFloat(n)}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
