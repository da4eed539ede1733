import type { SimModel } from "./model.js";

/**
 * Per-endpoint counter baselines. A counter reads `integral(t) − base`; a reset sets the
 * base to the integral at the reset time, so the counter restarts from 0 exactly as a
 * restarted exporter or server would, while the simulated physics carries on.
 */
export class CounterBaselines {
  /** Per GPU, J. Starts at −(energy before the simulation). */
  readonly dcgm: number[];
  /** Per workload, load-seconds, for its vLLM endpoint. */
  readonly vllm: number[];
  /** Per workload, load-seconds, for the gateway. */
  readonly gateway: number[];
  /** Process start time per endpoint name, epoch seconds (the `_created` gauges). */
  readonly createdS = new Map<string, number>();

  constructor(private readonly model: SimModel) {
    const startS = model.startMs / 1000;
    this.dcgm = model.priorEnergyJ.map((e) => -e);
    this.vllm = model.workloads.map((w) => -w.priorLoadS);
    // The gateway restarted more recently than the servers behind it.
    this.gateway = model.workloads.map((w) => -0.5 * w.priorLoadS);
    for (const w of model.workloads) this.createdS.set(w.endpoint, startS - 2 * w.priorLoadS);
    this.createdS.set(
      "gateway",
      startS - model.workloads.reduce((m, w) => Math.max(m, w.priorLoadS), 0),
    );
  }

  /** Restart the counters of one endpoint at `timeMs`. Unknown names return false. */
  reset(endpoint: string, timeMs: number): boolean {
    const m = this.model;
    if (endpoint === "dcgm") {
      m.gpus.forEach((_, g) => {
        this.dcgm[g] = m.energyJ(g, timeMs);
      });
      return true;
    }
    if (endpoint === "gateway") {
      m.workloads.forEach((_, w) => {
        this.gateway[w] = m.workloadLoadS(w, timeMs);
      });
      this.createdS.set("gateway", timeMs / 1000);
      return true;
    }
    const w = m.workloads.findIndex((x) => x.endpoint === endpoint);
    if (w < 0) return false;
    this.vllm[w] = m.workloadLoadS(w, timeMs);
    this.createdS.set(endpoint, timeMs / 1000);
    return true;
  }
}
