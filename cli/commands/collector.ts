import { Command } from "commander";
import { Collector } from "../../collector/collector.js";
import { loadCollectorConfig } from "../../collector/config/load.js";
import { createStore } from "../../collector/store/create-store.js";
import { runUntilSignal } from "../run-until-signal.js";

/** `tokenwatt collector --config F`: the collector until SIGINT/SIGTERM. */
export function collectorCommand(): Command {
  return new Command("collector")
    .description(
      "run the collector: receive batches over gRPC, store each usage line once, serve /metrics",
    )
    .requiredOption(
      "-c, --config <file>",
      "collector config (YAML); see collector/collector.example.yaml",
    )
    .action(async (opts: { config: string }) => {
      const config = await loadCollectorConfig(opts.config);
      const collector = new Collector({ config, store: await createStore(config.store) });
      try {
        await collector.start();
      } catch (err) {
        await collector.shutdown().catch(() => undefined);
        throw err;
      }
      process.stderr.write(
        `collector: gRPC on ${collector.address}, metrics on http://${collector.metricsAddress}/metrics${
          collector.queryAddress === undefined
            ? ""
            : `, query API on http://${collector.queryAddress}/`
        }\n`,
      );
      await runUntilSignal(() => collector.shutdown());
    });
}
