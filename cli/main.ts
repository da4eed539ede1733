#!/usr/bin/env node
import { Command } from "commander";
import { agentCommand } from "./commands/agent.js";
import { collectorCommand } from "./commands/collector.js";
import { initCommand } from "./commands/init.js";
import { replayCommand } from "./commands/replay.js";
import { simulateCommand } from "./commands/simulate.js";

const program = new Command("tokenwatt")
  .description("meters AI inference: joules, cost and carbon per token, per workload and tenant")
  .showHelpAfterError();
program.addCommand(agentCommand());
program.addCommand(collectorCommand());
program.addCommand(replayCommand());
program.addCommand(initCommand());
program.addCommand(simulateCommand());

program.parseAsync(process.argv).catch((err: Error & { code?: string }) => {
  process.stderr.write(`tokenwatt: ${err.message}\n`);
  process.exit(2);
});
