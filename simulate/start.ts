import type { Server } from "node:http";
import { type SimAgentConfigOptions, simulatorAgentConfig } from "./agent-config.js";
import {
  applyCommand,
  type ControlCommand,
  type ControlResult,
  stateOf,
  validateCommand,
} from "./control.js";
import { startControlServer } from "./control-server.js";
import { CounterBaselines } from "./counters.js";
import { renderDcgm } from "./dcgm.js";
import { NO_FAULT, SimEndpoint } from "./endpoint.js";
import { renderLitellm } from "./litellm.js";
import { SimModel } from "./model.js";
import { resolveSimOptions, type SimulatorOptions } from "./options.js";
import { renderVllm } from "./vllm.js";

export interface SimulatorHandle {
  /** Metrics URL per endpoint name (`dcgm`, each workload's `vllm-…`, `gateway`). */
  readonly urls: Readonly<Record<string, string>>;
  /** `POST` a ControlCommand here to inject faults at run time. */
  readonly controlUrl: string;
  /** The simulated physics, for exact checks (power, energy, load at a time). */
  readonly model: SimModel;
  readonly tenants: readonly { name: string; weight: number }[];
  /** Apply a ControlCommand (the same as POST /control). */
  control(cmd: ControlCommand): Promise<ControlResult>;
  /** A valid agent config (YAML) pointing at this simulator. */
  agentConfig(options?: SimAgentConfigOptions): string;
  /** Stops every port; idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts a simulated GPU host on loopback: a dcgm-exporter, one vLLM per workload and a
 * LiteLLM gateway, all driven by one clock. Invalid options throw SimulatorOptionsError
 * before anything listens.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const o = resolveSimOptions(options);
  const model = new SimModel(o);
  const base = new CounterBaselines(model);
  const endpoints = [
    new SimEndpoint("dcgm", "dcgm", o.host, () => renderDcgm(model, base, o.hostname, o.clock())),
    ...model.workloads.map(
      (w, i) =>
        new SimEndpoint(w.endpoint, "vllm", o.host, () => renderVllm(model, base, i, o.clock())),
    ),
    new SimEndpoint("gateway", "litellm", o.host, () =>
      renderLitellm(model, base, o.tenants, o.clock()),
    ),
  ];
  const names = endpoints.map((e) => e.name);
  const port = (i: number) => (o.portBase === 0 ? 0 : o.portBase + i);

  let control: { server: Server; url: string } | undefined;
  try {
    for (const [i, ep] of endpoints.entries()) await ep.listen(port(i));
    const run = async (body: unknown): Promise<ControlResult> => {
      const problems = validateCommand(body, names);
      if (problems.length > 0) return { ok: false, error: problems.join("; ") };
      await applyCommand(body as ControlCommand, endpoints, (name) => base.reset(name, o.clock()));
      return { ok: true, state: stateOf(endpoints) };
    };
    control = await startControlServer(o.host, port(endpoints.length), run, () =>
      stateOf(endpoints),
    );
    for (const [name, f] of Object.entries(o.faults)) {
      const ep = endpoints.find((e) => e.name === name);
      await ep?.setFault({ ...NO_FAULT, ...f });
    }
    const ctl = control;
    let stopping: Promise<void> | undefined;
    return {
      urls: Object.fromEntries(endpoints.map((e) => [e.name, e.url])),
      controlUrl: ctl.url,
      model,
      tenants: o.tenants,
      control: run,
      agentConfig: (opts) => simulatorAgentConfig(model, endpoints, opts),
      shutdown: () => {
        stopping ??= (async () => {
          await Promise.all(endpoints.map((e) => e.close()));
          const closed = new Promise<void>((r) => ctl.server.close(() => r()));
          ctl.server.closeAllConnections();
          await closed;
        })();
        return stopping;
      },
    };
  } catch (err) {
    await Promise.all(endpoints.map((e) => e.close()));
    control?.server.close();
    throw err;
  }
}
