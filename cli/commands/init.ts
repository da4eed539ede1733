import { Command, InvalidArgumentError } from "commander";
import { runInit } from "../../agent/init/run-init.js";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** `tokenwatt init`: write a starter agent config for this host. */
export function initCommand(): Command {
  return new Command("init")
    .description("discover GPUs and exporters on this host and write a starter agent config")
    .option("-c, --config <path>", "where to write the config", "/etc/tokenwatt/agent.yaml")
    .option("-f, --force", "replace an existing config file", false)
    .option("--nvidia-smi <command>", "nvidia-smi binary", "nvidia-smi")
    .option("--probe-timeout-ms <ms>", "timeout of each exporter probe", positiveInt, 500)
    .action(
      async (opts: {
        config: string;
        force: boolean;
        nvidiaSmi: string;
        probeTimeoutMs: number;
      }) => {
        const result = await runInit({
          path: opts.config,
          force: opts.force,
          nvidiaSmi: opts.nvidiaSmi,
          probeTimeoutMs: opts.probeTimeoutMs,
        });
        if (result.status === "exists") {
          process.stderr.write(
            `${result.path} exists; not overwritten (use --force to replace it)\n`,
          );
          process.exitCode = 1;
          return;
        }
        const d = result.discovery;
        const found = [
          d.nvidiaSmi === undefined ? d.nvidiaSmiError : `${d.gpus.length} GPU(s) via nvidia-smi`,
          d.dcgmUrl && `dcgm-exporter ${d.dcgmUrl}`,
          d.nvidiaGpuExporterUrl && `nvidia_gpu_exporter ${d.nvidiaGpuExporterUrl}`,
          d.vllmUrl && `vLLM ${d.vllmUrl}`,
        ].filter(Boolean);
        process.stdout.write(`wrote ${result.path}\nfound: ${found.join("; ")}\n`);
      },
    );
}
