import { Command } from "commander";
import { replayKit } from "../../agent/bootstrap.js";
import { loadAgentConfig } from "../../agent/config/index.js";
import { replayCapture } from "../../agent/replay.js";

/**
 * `tokenwatt replay --config F --capture C`: the usage lines of every complete window of a
 * capture as NDJSON on stdout; diagnostics on stderr; non-zero exit if a line was rejected.
 */
export function replayCommand(): Command {
  return new Command("replay")
    .description("replay a capture through the parsers, kernel and pricing; print usage lines")
    .requiredOption("-c, --config <file>", "agent config (YAML) the capture was recorded with")
    .requiredOption("--capture <file>", "capture file (NDJSON)")
    .action(async (opts: { config: string; capture: string }) => {
      const config = await loadAgentConfig(opts.config);
      const summary = await replayCapture(
        replayKit(config),
        opts.capture,
        (lines) => {
          if (lines.length > 0)
            process.stdout.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
        },
        (message) => process.stderr.write(`${message}\n`),
      );
      process.stderr.write(
        `replayed ${summary.linesRead} capture lines: ${summary.windows} windows, ${summary.usageLines} usage lines, ${summary.linesRejected} rejected, ${summary.parseErrors} bodies not parsed\n`,
      );
      if (summary.linesRejected > 0) process.exitCode = 1;
    });
}
