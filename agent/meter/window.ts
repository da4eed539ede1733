import type { Kernel, Stage2Input, Stage2Output } from "../../kernel/src/types.js";
import type { MeterPlan, WorkloadPlan } from "./plan.js";
import type { GpuSeries, SampleLog, SeriesBuffer, TokenSeries } from "./sample-log.js";
import { Mode, Stage1Batch } from "./stage1-batch.js";

/** Per GPU facts of one window besides the attributed lines. */
export interface GpuWindowFacts {
  uuid: string;
  index?: number;
  model: string;
  energyJ: number;
  coveredS: number;
  meanPowerW: number;
  meanUtilizationPct: number;
  /** Weighted tokens served on this GPU in the window (0 = idle window, used to learn idle W). */
  servedTokens: number;
}

/** One finished window: the kernel's inputs and outputs plus the names behind its indices. */
export interface WindowResult {
  startS: number;
  windowS: number;
  input: Stage2Input;
  output: Stage2Output;
  gpus: GpuWindowFacts[];
  workloads: string[];
  /** Per workload: its configured model, else the one model its token source reported, else "". */
  workloadModels: string[];
  tenants: string[];
  /** Token counts of workloads whose GPUs reported nothing in the window (not attributable). */
  unattributedTokens: number;
}

interface TokenTotals {
  prompt: number;
  cached: number;
  gen: number;
  requests: number;
}

const zero = (): TokenTotals => ({ prompt: 0, cached: 0, gen: 0, requests: 0 });

/** Runs both kernel stages for the window starting at `startS` over what the log holds. */
export function meterWindow(
  kernel: Kernel,
  plan: MeterPlan,
  log: SampleLog,
  startS: number,
): WindowResult {
  const W = plan.windowS;
  const batch = new Stage1Batch(startS, W);
  const gpus = [...log.gpus.values()].sort(compareGpus);
  const gpuSeries = gpus.map((g) => {
    const counter = g.energyJ.t.length > 0;
    return {
      energy: counter
        ? batch.add(g.energyJ, Mode.Counter, plan.ceilingW)
        : batch.add(g.powerW, Mode.Power, plan.ceilingW),
      util: batch.add(g.utilizationPct, Mode.Power, 100),
    };
  });
  const tokenSeries = [...log.tokens.values()].sort((a, b) =>
    byCodeUnits(`${a.source}\u0000${a.key}`, `${b.source}\u0000${b.key}`),
  );
  const tokenIdx = tokenSeries.map((s) => ({
    prompt: batch.add(s.prompt, Mode.CounterNoGap, Number.POSITIVE_INFINITY),
    cached: batch.add(s.cached, Mode.CounterNoGap, Number.POSITIVE_INFINITY),
    gen: batch.add(s.gen, Mode.CounterNoGap, Number.POSITIVE_INFINITY),
    requests: batch.add(s.requests, Mode.CounterNoGap, Number.POSITIVE_INFINITY),
  }));
  const hostIdx = plan.hostSource ? addHost(batch, log, plan.hostSource.name, plan.ceilingW) : [];
  const facilityIdx = plan.facilitySource
    ? log
        .seriesOf(plan.facilitySource, "facility_power_w")
        .map((b) => batch.add(b, Mode.Power, Number.POSITIVE_INFINITY))
    : [];

  const s1 = kernel.integrate(batch.input(plan.maxGapS));
  const amount = (i: number) => s1.amount[i];

  const facts: GpuWindowFacts[] = gpus.map((g, i) => {
    const e = gpuSeries[i].energy;
    const u = gpuSeries[i].util;
    const covered = s1.coveredS[e];
    const utilCovered = s1.coveredS[u];
    return {
      uuid: g.uuid,
      index: g.index,
      model: g.model,
      energyJ: amount(e),
      coveredS: covered,
      meanPowerW: covered > 0 ? amount(e) / covered : 0,
      meanUtilizationPct: utilCovered > 0 ? amount(u) / utilCovered : 0,
      servedTokens: 0,
    };
  });
  const totals = tokenSeries.map(
    (_, i): TokenTotals => ({
      prompt: amount(tokenIdx[i].prompt),
      cached: amount(tokenIdx[i].cached),
      gen: amount(tokenIdx[i].gen),
      requests: amount(tokenIdx[i].requests),
    }),
  );

  const energySum = facts.reduce((a, f) => a + f.energyJ, 0);
  let hostJ = plan.hostOverheadW * W;
  if (plan.hostSource) {
    const measured = hostIdx.reduce((a, i) => a + amount(i), 0);
    hostJ = plan.hostSource.includesGpus ? Math.max(0, measured - energySum) : measured;
  }
  const overheadJ = plan.facilitySource
    ? facilityIdx.reduce((a, i) => a + amount(i), 0)
    : Number.NaN;

  const built = buildContributions(kernel, plan, gpus, tokenSeries, totals);
  const startArr = Float64Array.of(startS);
  const price = kernel.stepMean(plan.prices.energyPerKwh(startS, startS + W), startArr, W)[0];
  const carbon = carbonFor(kernel, plan, log, startS);
  const owners = gpus.map((g) => ownerOf(plan, g, built.workloadIndex, built.tenantIndex));

  const input: Stage2Input = {
    promptWeight: plan.attribution.promptWeight,
    cachedWeight: plan.attribution.cachedWeight,
    idleSeparate: plan.attribution.idleSeparate,
    windows: {
      startS: startArr,
      lengthS: Float64Array.of(W),
      hostJ: Float64Array.of(hostJ),
      overheadJ: Float64Array.of(overheadJ),
      pue: Float64Array.of(plan.prices.pue),
      pricePerKwh: Float64Array.of(price),
      carbonGPerKwh: Float64Array.of(carbon),
      gpuRatePerHour: Float64Array.of(plan.prices.gpuHour),
      discount: Float64Array.of(plan.prices.laneDiscount),
      embodiedGPerGpuHour: Float64Array.of(plan.prices.embodiedGPerGpuHour),
    },
    readings: {
      window: new Int32Array(gpus.length),
      energyJ: Float64Array.from(facts, (f) => f.energyJ),
      coveredS: Float64Array.from(facts, (f) => f.coveredS),
      idleW: Float64Array.from(gpus, (g) => plan.idleW(g.uuid, g.model)),
      ownerWorkload: Int32Array.from(owners, (o) => o.workload),
      ownerTenant: Int32Array.from(owners, (o) => o.tenant),
    },
    contributions: built.contributions,
  };
  const output = kernel.attribute(input);
  for (let l = 0; l < output.count; l++) {
    if (output.kind[l] !== 0) continue;
    const f = facts[output.reading[l]];
    f.servedTokens += output.prompt[l] + output.gen[l];
  }
  return {
    startS,
    windowS: W,
    input,
    output,
    gpus: facts,
    workloads: built.workloads,
    workloadModels: plan.workloads.map((w) => w.model ?? servedModel(w, tokenSeries)),
    tenants: built.tenants,
    unattributedTokens: built.unattributed,
  };
}

function compareGpus(a: GpuSeries, b: GpuSeries): number {
  const ia = a.index ?? Number.MAX_SAFE_INTEGER;
  const ib = b.index ?? Number.MAX_SAFE_INTEGER;
  return ia !== ib ? ia - ib : byCodeUnits(a.uuid, b.uuid);
}

function addHost(batch: Stage1Batch, log: SampleLog, source: string, ceilingW: number): number[] {
  const energy = log.seriesOf(source, "host_energy_j");
  if (energy.length > 0)
    return energy.map((b) => batch.add(b, Mode.Counter, Number.POSITIVE_INFINITY));
  // A PDU can draw well above one GPU's ceiling; scale the sanity limit by a rack's worth.
  return log.seriesOf(source, "host_power_w").map((b) => batch.add(b, Mode.Power, ceilingW * 64));
}

function carbonFor(kernel: Kernel, plan: MeterPlan, log: SampleLog, startS: number): number {
  const series: SeriesBuffer[] = plan.carbonSource
    ? log.seriesOf(plan.carbonSource, "carbon_g_per_kwh")
    : [];
  const s = series[0];
  if (!s || s.t.length === 0) return plan.prices.carbonGPerKwh;
  return kernel.stepMean(
    { timeS: Float64Array.from(s.t), value: Float64Array.from(s.v) },
    Float64Array.of(startS),
    plan.windowS,
  )[0];
}

function resolveGpus(w: WorkloadPlan, gpus: GpuSeries[]): number[] {
  const out: number[] = [];
  for (const ref of w.gpus) {
    const i = gpus.findIndex((g) => (typeof ref === "number" ? g.index === ref : g.uuid === ref));
    if (i >= 0 && !out.includes(i)) out.push(i);
  }
  return out;
}

function ownerOf(
  plan: MeterPlan,
  g: GpuSeries,
  workloadIndex: Map<string, number>,
  tenantIndex: (name: string) => number,
): { workload: number; tenant: number } {
  for (const w of plan.workloads) {
    if (w.gpus.some((ref) => (typeof ref === "number" ? ref === g.index : ref === g.uuid))) {
      return { workload: workloadIndex.get(w.name) ?? -1, tenant: tenantIndex(w.tenant) };
    }
  }
  return { workload: -1, tenant: tenantIndex(plan.attribution.ownerTenant) };
}

function buildContributions(
  kernel: Kernel,
  plan: MeterPlan,
  gpus: GpuSeries[],
  tokenSeries: TokenSeries[],
  totals: TokenTotals[],
) {
  const workloads = plan.workloads.map((w) => w.name);
  const workloadIndex = new Map(workloads.map((n, i) => [n, i]));
  const tenants: string[] = [];
  const tenantIndex = (name: string) => {
    let i = tenants.indexOf(name);
    if (i < 0) i = tenants.push(name) - 1;
    return i;
  };
  const rows: { w: number; t: number; c: TokenTotals; gpus: number[] }[] = [];
  let unattributed = 0;
  plan.workloads.forEach((w, wi) => {
    const sum = zero();
    tokenSeries.forEach((s, i) => {
      if (s.source !== w.tokenSource || s.tenant !== undefined) return;
      if (w.model !== undefined && s.model !== w.model) return;
      addInto(sum, totals[i]);
    });
    const gpuIdx = resolveGpus(w, gpus);
    if (gpuIdx.length === 0) {
      unattributed += sum.prompt + sum.gen;
      return;
    }
    for (const [tenant, c] of splitByTenant(kernel, plan, w, sum, tokenSeries, totals)) {
      rows.push({ w: wi, t: tenantIndex(tenant), c, gpus: gpuIdx });
    }
  });
  const gpuIndex: number[] = [];
  const gpuStart: number[] = [];
  for (const r of rows) {
    gpuStart.push(gpuIndex.length);
    gpuIndex.push(...r.gpus);
  }
  return {
    workloads,
    tenants,
    workloadIndex,
    tenantIndex,
    unattributed,
    contributions: {
      window: new Int32Array(rows.length),
      workload: Int32Array.from(rows, (r) => r.w),
      tenant: Int32Array.from(rows, (r) => r.t),
      prompt: Float64Array.from(rows, (r) => r.c.prompt),
      cached: Float64Array.from(rows, (r) => r.c.cached),
      gen: Float64Array.from(rows, (r) => r.c.gen),
      requests: Float64Array.from(rows, (r) => r.c.requests),
      gpuStart: Int32Array.from(gpuStart),
      gpuCount: Int32Array.from(rows, (r) => r.gpus.length),
      gpuIndex: Int32Array.from(gpuIndex),
    },
  };
}

function addInto(a: TokenTotals, b: TokenTotals): void {
  a.prompt += b.prompt;
  a.cached += b.cached;
  a.gen += b.gen;
  a.requests += b.requests;
}

/** The workload's totals per tenant: by the gateway's weighted tokens, else all to the default tenant. */
function splitByTenant(
  kernel: Kernel,
  plan: MeterPlan,
  w: WorkloadPlan,
  sum: TokenTotals,
  tokenSeries: TokenSeries[],
  totals: TokenTotals[],
): [string, TokenTotals][] {
  if (!w.tenants) return [[w.tenant, sum]];
  const cfg = w.tenants;
  const byTenant = new Map<string, TokenTotals>([[w.tenant, zero()]]);
  tokenSeries.forEach((s, i) => {
    if (s.source !== cfg.source || s.tenant === undefined) return;
    if (cfg.model !== undefined && s.model !== cfg.model) return;
    let t = byTenant.get(s.tenant);
    if (!t) {
      t = zero();
      byTenant.set(s.tenant, t);
    }
    addInto(t, totals[i]);
  });
  // Default tenant first: it takes everything when the gateway saw nothing.
  const names = [w.tenant, ...[...byTenant.keys()].filter((n) => n !== w.tenant).sort()];
  const rows = names.map((n) => byTenant.get(n)!);
  const out = kernel.splitTenants({
    promptWeight: plan.attribution.promptWeight,
    cachedWeight: plan.attribution.cachedWeight,
    groupPrompt: Float64Array.of(sum.prompt),
    groupCached: Float64Array.of(sum.cached),
    groupGen: Float64Array.of(sum.gen),
    groupRequests: Float64Array.of(sum.requests),
    tenantStart: Int32Array.of(0),
    tenantCount: Int32Array.of(rows.length),
    tenantPrompt: Float64Array.from(rows, (r) => r.prompt),
    tenantCached: Float64Array.from(rows, (r) => r.cached),
    tenantGen: Float64Array.from(rows, (r) => r.gen),
  });
  return names.map((n, i) => [
    n,
    { prompt: out.prompt[i], cached: out.cached[i], gen: out.gen[i], requests: out.requests[i] },
  ]);
}

/**
 * Plain code-unit order, not localeCompare: the same on every host whatever its ICU and
 * locale, and it keeps ICU's collation tables (megabytes, resident once touched) out of the
 * agent (issue 3: footprint).
 */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The model a workload's token source reported, when it reported exactly one. */
function servedModel(w: WorkloadPlan, tokenSeries: TokenSeries[]): string {
  const models = new Set<string>();
  for (const s of tokenSeries)
    if (s.source === w.tokenSource && s.tenant === undefined) models.add(s.model);
  return models.size === 1 ? [...models][0] : "";
}
