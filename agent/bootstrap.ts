import { builtInIdleW } from "../kernel/src/idle-table.js";
import { type LineLabels, toUsageLines } from "../kernel/src/lines.js";
import { expandSchedule, flatSeries } from "../kernel/src/prices.js";
import type { UsageLine } from "../kernel/src/usage-line.js";
import { loadWasmKernel } from "../kernel/src/wasm-kernel.js";
import { GPU_KINDS, TOKEN_KINDS } from "./config/kinds.js";
import type { AgentConfig } from "./config/types.js";
import type { IdleLearner } from "./meter/idle-learner.js";
import type { MeterPlan } from "./meter/plan.js";
import type { WindowResult } from "./meter/window.js";
import type { ReplayKit } from "./replay.js";
import { createSource } from "./sources/registry.js";
import type { Source, SourceKind } from "./sources/types.js";

/** Resolves the agent config into the meter's plan; idle power reads the learner live. */
export function planFromConfig(config: AgentConfig, learner: IdleLearner): MeterPlan {
  const names = (kinds: readonly SourceKind[]) =>
    config.sources.filter((s) => kinds.includes(s.kind)).map((s) => s.name);
  const host = config.sources.find((s) => s.kind === "host-power");
  const facility = config.sources.find(
    (s) => s.kind === "facility-power" || s.kind === "redfish-cdu",
  );
  const p = config.prices;
  const idle = config.gpus.idle_w;
  return {
    agentId: config.agent.id,
    windowS: config.agent.window_s,
    maxGapS: config.agent.max_gap_s,
    ceilingW: config.gpus.ceiling_w,
    gpuSources: names(GPU_KINDS),
    tokenSources: names(TOKEN_KINDS),
    // RAPL (no url) measures CPU and memory only; a PDU series (url) measures the whole host.
    hostSource: host ? { name: host.name, includesGpus: host.url !== undefined } : undefined,
    hostOverheadW: 0,
    facilitySource: facility?.name,
    carbonSource: p.carbon_source,
    workloads: config.workloads.map((w) => ({
      name: w.name,
      tokenSource: w.tokens,
      model: w.model,
      gpus: w.gpus,
      tenant: w.tenant,
      tenants: w.tenants,
    })),
    site: {
      metro: config.site.metro,
      hall: config.site.hall,
      rack: config.site.rack,
      lane: config.site.lane,
      sovereigntyZone: config.site.sovereignty_zone,
      currency: p.currency,
      priceVersion: p.version,
    },
    prices: {
      energyPerKwh: (fromS, toS) =>
        p.energy_schedule
          ? expandSchedule(p.energy_schedule, p.timezone ?? "UTC", fromS, toS)
          : flatSeries(p.energy_per_kwh ?? 0),
      gpuHour: p.gpu_hour,
      laneDiscount: p.lane_discount,
      carbonGPerKwh: p.carbon_g_per_kwh ?? 0,
      embodiedGPerGpuHour: p.embodied_g_per_gpu_hour,
      pue: p.pue,
    },
    attribution: {
      idleSeparate: config.attribution.idle === "separate",
      promptWeight: config.attribution.prompt_weight,
      cachedWeight: config.attribution.cached_weight,
      ownerTenant: config.attribution.owner_tenant,
    },
    idleW: (uuid, model) => {
      const configured = idle.by_model[model];
      if (configured !== undefined) return configured;
      if (idle.default !== "learn") return idle.default;
      return learner.idleW(uuid) ?? builtInIdleW(model) ?? 0;
    },
  };
}

export function sourcesFromConfig(config: AgentConfig): Source[] {
  return config.sources.map((s) => createSource(s));
}

/** The usage lines of a finished window, labelled from the plan. */
export function linesOfWindow(plan: MeterPlan, w: WindowResult): UsageLine[] {
  const labels: LineLabels = {
    agentId: plan.agentId,
    windowStartS: w.input.windows.startS,
    windowLengthS: w.input.windows.lengthS,
    readingWindow: w.input.readings.window,
    readingGpuUuid: w.gpus.map((g) => g.uuid),
    readingGpuModel: w.gpus.map((g) => g.model),
    workloadNames: w.workloads,
    workloadModels: w.workloadModels,
    tenantNames: w.tenants,
    site: {
      metro: plan.site.metro,
      hall: plan.site.hall,
      rack: plan.site.rack,
      lane: plan.site.lane,
      sovereigntyZone: plan.site.sovereigntyZone,
    },
    currency: plan.site.currency,
    priceVersion: plan.site.priceVersion,
  };
  return toUsageLines(w.output, labels);
}

/** Seconds a window waits for a dead source before it closes anyway. */
export function graceSeconds(config: AgentConfig): number {
  return config.agent.max_gap_s + Math.max(0, ...config.sources.map((s) => s.timeout_s));
}

/** What `tokenwatt replay` needs from a config: the live agent's kernel, plan, sources and labels. */
export function replayKit(config: AgentConfig): ReplayKit {
  let plan: MeterPlan | undefined;
  return {
    kernel: loadWasmKernel(),
    plan: (learner) => {
      plan = planFromConfig(config, learner);
      return plan;
    },
    sources: sourcesFromConfig(config),
    graceS: graceSeconds(config),
    toLines: (w) => linesOfWindow(plan!, w),
  };
}
