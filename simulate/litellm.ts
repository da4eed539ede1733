/**
 * LiteLLM proxy `/metrics`: input/output/total token counters per workload × tenant, with
 * LiteLLM's token-metric label set. `team` carries the tenant; `model` and
 * `requested_model` carry the workload name (the gateway's model label for it).
 */
import type { CounterBaselines } from "./counters.js";
import { family, labels, pyFloat } from "./expo.js";
import type { SimModel } from "./model.js";
import { tokenAmounts } from "./model.js";
import type { SimTenantSpec } from "./options.js";
import { streamSeed } from "./prng.js";

function hashedKey(tenant: string): string {
  let out = "";
  for (let i = 0; out.length < 64; i++)
    out += streamSeed("key", tenant, i).toString(16).padStart(8, "0");
  return out;
}

export function renderLitellm(
  model: SimModel,
  base: CounterBaselines,
  tenants: readonly SimTenantSpec[],
  timeMs: number,
): string {
  const total = tenants.reduce((s, t) => s + t.weight, 0);
  const created = base.createdS.get("gateway") ?? 0;
  const rows = model.workloads.flatMap((wl, w) => {
    const t = tokenAmounts(wl, model.workloadLoadS(w, timeMs) - base.gateway[w]);
    return tenants.map((tenant) => {
      const share = tenant.weight / total;
      const lbl = labels([
        ["end_user", ""],
        ["hashed_api_key", hashedKey(tenant.name)],
        ["api_key_alias", `${tenant.name}-prod`],
        ["requested_model", wl.name],
        ["team", tenant.name],
        ["team_alias", tenant.name],
        ["user", ""],
        ["model", wl.name],
      ]);
      return { lbl, input: Math.floor(share * t.prompt), output: Math.floor(share * t.gen) };
    });
  });
  const counter = (name: string, help: string, value: (r: (typeof rows)[number]) => number) => [
    ...family(`${name}_total`, "counter", help),
    ...rows.map((r) => `${name}_total${r.lbl} ${pyFloat(value(r))}`),
    ...family(`${name}_created`, "gauge", help),
    ...rows.map((r) => `${name}_created${r.lbl} ${pyFloat(created)}`),
  ];
  const lines = [
    ...counter(
      "litellm_total_tokens_metric",
      "Total number of input + output tokens from LLM requests",
      (r) => r.input + r.output,
    ),
    ...counter(
      "litellm_input_tokens_metric",
      "Total number of input tokens from LLM requests",
      (r) => r.input,
    ),
    ...counter(
      "litellm_output_tokens_metric",
      "Total number of output tokens from LLM requests",
      (r) => r.output,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
