#!/usr/bin/env node
import { Command } from "commander";

/**
 * Each command's module is imported only when that command runs: the agent process must
 * never load the collector's gRPC server, DuckDB or export code (issue 3: footprint).
 * Help, and an unknown command, load them all so commander can list and suggest.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  agent: async () => (await import("./commands/agent.js")).agentCommand(),
  collector: async () => (await import("./commands/collector.js")).collectorCommand(),
  replay: async () => (await import("./commands/replay.js")).replayCommand(),
  init: async () => (await import("./commands/init.js")).initCommand(),
  simulate: async () => (await import("./commands/simulate.js")).simulateCommand(),
  reprice: async () => (await import("./commands/reprice.js")).repriceCommand(),
  export: async () => (await import("./commands/export.js")).exportCommand(),
  demo: async () => (await import("./commands/demo.js")).demoCommand(),
};

const program = new Command("tokenwatt")
  .description("meters AI inference: joules, cost and carbon per token, per workload and tenant")
  .showHelpAfterError();
// The program has no options of its own, so the first word that is not an option is the command.
const named = process.argv.slice(2).find((a) => !a.startsWith("-"));
const load =
  named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const name of load) program.addCommand(await COMMANDS[name]());

program.parseAsync(process.argv).catch((err: Error & { code?: string }) => {
  process.stderr.write(`tokenwatt: ${err.message}\n`);
  process.exit(2);
});
