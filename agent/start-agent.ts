import { join } from "node:path";
import pino, { type Logger } from "pino";
import { loadWasmKernel } from "../kernel/src/wasm-kernel.js";
import { linesOfWindow, planFromConfig, sourcesFromConfig } from "./bootstrap.js";
import type { AgentConfig } from "./config/types.js";
import { IdleLearner } from "./meter/idle-learner.js";
import { Agent } from "./runtime/agent.js";
import { IdleStateStore } from "./runtime/idle-state-store.js";
import type { LineSink } from "./sinks/line-sink.js";
import { NdjsonFileSink } from "./sinks/ndjson-sink.js";

export interface StartAgentOptions {
  config: AgentConfig;
  recordPath?: string;
  /** Overrides agent.sink (tests, demo). */
  sink?: LineSink;
  logger?: Logger;
}

/** Wires a live agent from its config: kernel, sources, learned state, sink, metrics. */
export async function startAgent(options: StartAgentOptions): Promise<Agent> {
  const { config } = options;
  const logger = options.logger ?? pino({ name: "tokenwatt-agent" });
  const idleStore = new IdleStateStore(config.agent.state_dir);
  const learner = new IdleLearner(idleStore.load());
  const plan = planFromConfig(config, learner);
  // gRPC, protobuf and the spool load only when shipping: an agent writing NDJSON never
  // pays their ~10 MiB of code and heap.
  const shipper =
    options.sink === undefined && config.collector !== undefined
      ? new (await import("./shipper/sink.js")).SpoolShipperSink({
          agentId: config.agent.id,
          windowS: config.agent.window_s,
          collector: config.collector,
          spool: { dir: config.agent.spool_dir, maxBytes: config.agent.spool_max_bytes },
          logger,
        })
      : undefined;
  const sink =
    options.sink ??
    shipper ??
    new NdjsonFileSink(config.agent.sink ?? join(config.agent.state_dir, "usage-lines.ndjson"));
  const agent = new Agent({
    config,
    kernel: loadWasmKernel(),
    plan,
    sources: sourcesFromConfig(config),
    sink,
    learner,
    idleStore,
    logger,
    toLines: (w) => linesOfWindow(plan, w),
    recordPath: options.recordPath,
  });
  if (shipper !== undefined) {
    shipper.registerMetrics(agent.metrics.registry);
    // Open the spool (recovering what an earlier run left) before the first window.
    await shipper.start();
  }
  await agent.start();
  return agent;
}
