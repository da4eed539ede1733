import { writeFile } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { startSimulator } from "../../simulate/start.js";

function intArg(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

interface SimulateOpts {
  gpus: number;
  workloads: number;
  tenants: number;
  portBase: number;
  seed: number;
  writeConfig?: string;
  sink?: string;
  collector?: string[];
}

/** `tokenwatt simulate`: a simulated GPU host on loopback, until SIGINT/SIGTERM. */
export function simulateCommand(): Command {
  return new Command("simulate")
    .description("serve a simulated GPU host: dcgm-exporter, vLLM per workload, a LiteLLM gateway")
    .option("--gpus <n>", "number of GPUs", intArg(1), 8)
    .option("--workloads <n>", "number of vLLM workloads", intArg(0), 2)
    .option("--tenants <n>", "number of gateway tenants", intArg(1), 3)
    .option("--port-base <port>", "first port (0 = ephemeral ports)", intArg(0), 0)
    .option("--seed <n>", "simulation seed", intArg(0), 1)
    .option("--write-config <file>", "write an agent config pointing at the simulator")
    .option("--sink <file>", "usage-line NDJSON file in the written config")
    .option("--collector <host:port...>", "collector(s) in the written config (plaintext)")
    .action(async (opts: SimulateOpts) => {
      const sim = await startSimulator({
        gpus: opts.gpus,
        workloads: opts.workloads,
        tenants: opts.tenants,
        portBase: opts.portBase,
        seed: opts.seed,
      });
      for (const [name, url] of Object.entries(sim.urls))
        process.stdout.write(`${name.padEnd(10)} ${url}\n`);
      process.stdout.write(`${"control".padEnd(10)} ${sim.controlUrl}\n`);
      if (opts.writeConfig !== undefined) {
        const text = sim.agentConfig({
          ...(opts.sink === undefined ? {} : { sink: opts.sink }),
          ...(opts.collector === undefined ? {} : { collectorUrls: opts.collector }),
        });
        await writeFile(opts.writeConfig, text);
        process.stdout.write(`agent config written to ${opts.writeConfig}\n`);
      }
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await sim.shutdown();
    });
}
