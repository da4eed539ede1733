import { Command } from "commander";
import { loadAgentConfig } from "../../agent/config/index.js";
import { startAgent } from "../../agent/start-agent.js";
import { runUntilSignal } from "../run-until-signal.js";

/** `tokenwatt agent --config F [--record CAPTURE]`: the live agent until SIGINT/SIGTERM. */
export function agentCommand(): Command {
  return new Command("agent")
    .description("run the agent: scrape, meter, ship usage lines, serve /metrics")
    .requiredOption("-c, --config <file>", "agent config (YAML)")
    .option("--record <capture>", "also record every scrape to this capture file (NDJSON)")
    .action(async (opts: { config: string; record?: string }) => {
      const config = await loadAgentConfig(opts.config);
      const agent = await startAgent({ config, recordPath: opts.record });
      await runUntilSignal(() => agent.shutdown());
    });
}
