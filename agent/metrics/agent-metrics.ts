import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Kernel } from "../../kernel/src/types.js";
import type { WindowResult } from "../meter/window.js";

/**
 * The agent's /metrics: what it measured (per GPU, per workload and tenant, over the last
 * finished window) and how it is doing itself (scrapes, rejects, process). Base units,
 * `_total` counters, as Prometheus conventions ask.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly gpuPower: Gauge;
  private readonly gpuEnergy: Counter;
  private readonly gpuCoverage: Gauge;
  private readonly tokensPerS: Gauge;
  private readonly joulesPerToken: Gauge;
  private readonly tokensPerSPerMw: Gauge;
  private readonly costPerM: Gauge;
  private readonly carbonPerKReq: Gauge;
  private readonly hostTokensPerSPerMw: Gauge;
  private readonly facilityPower: Gauge;
  readonly scrapes: Counter;
  readonly scrapeErrors: Counter;
  readonly rejected: Counter;
  readonly windows: Counter;
  readonly lines: Counter;
  readonly unattributed: Counter;

  constructor(
    private readonly kernel: Kernel,
    private readonly currency: string,
  ) {
    const r = [this.registry];
    // prom-client samples event-loop delay with a libuv timer every 10 ms by default, which
    // alone costs ~0.006 of a core (issue 3 budget: 0.005 for the whole agent). Every 100 ms
    // still catches any stall of 100 ms or more, at ~0.0004 of a core.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    const wt = ["workload", "tenant"];
    this.gpuPower = new Gauge({
      name: "tokenwatt_gpu_power_watts",
      help: "GPU mean power over the last finished window",
      labelNames: ["gpu", "uuid", "model"],
      registers: r,
    });
    this.gpuEnergy = new Counter({
      name: "tokenwatt_gpu_energy_joules_total",
      help: "GPU energy integrated over finished windows",
      labelNames: ["gpu", "uuid", "model"],
      registers: r,
    });
    this.gpuCoverage = new Gauge({
      name: "tokenwatt_gpu_coverage_ratio",
      help: "Covered seconds / window seconds of the last finished window",
      labelNames: ["gpu", "uuid"],
      registers: r,
    });
    this.tokensPerS = new Gauge({
      name: "tokenwatt_tokens_per_second",
      help: "Prompt + generated tokens per second, last finished window",
      labelNames: wt,
      registers: r,
    });
    this.joulesPerToken = new Gauge({
      name: "tokenwatt_joules_per_token",
      help: "Facility joules per token, last finished window",
      labelNames: wt,
      registers: r,
    });
    this.tokensPerSPerMw = new Gauge({
      name: "tokenwatt_tokens_per_second_per_megawatt",
      help: "Tokens per second per MW of facility power, last finished window",
      labelNames: wt,
      registers: r,
    });
    this.costPerM = new Gauge({
      name: "tokenwatt_cost_per_million_tokens",
      help: "EffectiveCost per 1M tokens, last finished window",
      labelNames: [...wt, "currency"],
      registers: r,
    });
    this.carbonPerKReq = new Gauge({
      name: "tokenwatt_carbon_grams_per_thousand_requests",
      help: "gCO2e per 1,000 finished requests, last finished window",
      labelNames: wt,
      registers: r,
    });
    this.hostTokensPerSPerMw = new Gauge({
      name: "tokenwatt_host_tokens_per_second_per_megawatt",
      help: "Whole host: tokens per second per MW of facility power, last finished window",
      registers: r,
    });
    this.facilityPower = new Gauge({
      name: "tokenwatt_facility_power_watts",
      help: "Whole host: facility power (IT × PUE or measured), last finished window",
      registers: r,
    });
    this.scrapes = new Counter({
      name: "tokenwatt_scrapes_total",
      help: "Successful scrapes",
      labelNames: ["source"],
      registers: r,
    });
    this.scrapeErrors = new Counter({
      name: "tokenwatt_scrape_errors_total",
      help: "Failed scrapes by reason (timeout, http, parse, exec)",
      labelNames: ["source", "reason"],
      registers: r,
    });
    this.rejected = new Counter({
      name: "tokenwatt_rejected_samples_total",
      help: "Samples rejected (invalid, over_ceiling, out_of_order, discarded)",
      labelNames: ["source", "reason"],
      registers: r,
    });
    this.windows = new Counter({
      name: "tokenwatt_windows_total",
      help: "Windows metered",
      registers: r,
    });
    this.lines = new Counter({
      name: "tokenwatt_usage_lines_total",
      help: "Usage lines produced",
      registers: r,
    });
    this.unattributed = new Counter({
      name: "tokenwatt_unattributed_tokens_total",
      help: "Tokens of workloads whose GPUs reported nothing",
      registers: r,
    });
  }

  observeWindow(w: WindowResult): void {
    this.windows.inc();
    this.lines.inc(w.output.count);
    if (w.unattributedTokens > 0) this.unattributed.inc(w.unattributedTokens);
    for (const g of w.gpus) {
      const labels = { gpu: String(g.index ?? ""), uuid: g.uuid, model: g.model };
      this.gpuPower.set(labels, g.meanPowerW);
      if (g.energyJ > 0) this.gpuEnergy.inc(labels, g.energyJ);
      this.gpuCoverage.set({ gpu: labels.gpu, uuid: g.uuid }, g.coveredS / w.windowS);
    }
    this.observeDerived(w);
  }

  private observeDerived(w: WindowResult): void {
    const o = w.output;
    const keys = new Map<string, number>();
    const rows: { workload: string; tenant: string }[] = [];
    const idx: number[] = [];
    for (let l = 0; l < o.count; l++) {
      const workload = o.workload[l] >= 0 ? w.workloads[o.workload[l]] : "";
      const tenant = w.tenants[o.tenant[l]] ?? "";
      const k = `${workload}\u0000${tenant}`;
      let i = keys.get(k);
      if (i === undefined) {
        i = rows.push({ workload, tenant }) - 1;
        keys.set(k, i);
      }
      idx.push(i);
    }
    const n = rows.length + 1; // last row: the whole host
    const agg = {
      prompt: new Float64Array(n),
      cached: new Float64Array(n),
      gen: new Float64Array(n),
      requests: new Float64Array(n),
      facilityEnergyJ: new Float64Array(n),
      usageFacilityEnergyJ: new Float64Array(n),
      effectiveCost: new Float64Array(n),
      carbonG: new Float64Array(n),
    };
    for (let l = 0; l < o.count; l++) {
      for (const i of [idx[l], n - 1]) {
        agg.prompt[i] += o.prompt[l];
        agg.cached[i] += o.cached[l];
        agg.gen[i] += o.gen[l];
        agg.requests[i] += o.requests[l];
        agg.facilityEnergyJ[i] += o.facilityEnergyJ[l];
        if (o.kind[l] === 0) agg.usageFacilityEnergyJ[i] += o.facilityEnergyJ[l];
        agg.effectiveCost[i] += o.effectiveCost[l];
        agg.carbonG[i] += o.carbonG[l];
      }
    }
    const d = this.kernel.derive(agg);
    const set = (g: Gauge, labels: Record<string, string>, v: number) => {
      if (Number.isFinite(v)) g.set(labels, v);
      else g.remove(labels);
    };
    rows.forEach((r, i) => {
      if (r.workload === "") return;
      const labels = { workload: r.workload, tenant: r.tenant };
      this.tokensPerS.set(labels, (agg.prompt[i] + agg.gen[i]) / w.windowS);
      set(this.joulesPerToken, labels, d.joulesPerToken[i]);
      set(this.tokensPerSPerMw, labels, d.tokensPerSecondPerMw[i]);
      set(this.costPerM, { ...labels, currency: this.currency }, d.costPerMillionTokens[i]);
      set(this.carbonPerKReq, labels, d.carbonGPerThousandRequests[i]);
    });
    const host = n - 1;
    if (Number.isFinite(d.tokensPerSecondPerMw[host]))
      this.hostTokensPerSPerMw.set(d.tokensPerSecondPerMw[host]);
    this.facilityPower.set(agg.facilityEnergyJ[host] / w.windowS);
  }
}
