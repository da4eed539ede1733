import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { runDemo } from "../../demo/run-demo.js";

function seconds(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected whole seconds >= ${min}`);
    return n;
  };
}

/** `tokenwatt demo`: simulator → agent → collector on loopback with a live table. */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "run a simulated GPU host, an agent and a collector on loopback; show a live table",
    )
    .option("--duration <s>", "stop after this many seconds (0 = until Ctrl-C)", seconds(0), 0)
    .option(
      "--dir <path>",
      "where to keep the database, configs, certificates and logs",
      join(".tokenwatt", "demo"),
    )
    .option("--window <s>", "window length, seconds (must divide 86400)", seconds(1), 10)
    .option("--refresh <s>", "table refresh interval, seconds", seconds(1), 5)
    .action(async (opts: { duration: number; dir: string; window: number; refresh: number }) => {
      const stop = new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await runDemo(
        {
          durationS: opts.duration,
          dir: opts.dir,
          windowS: opts.window,
          refreshS: opts.refresh,
          redraw: process.stdout.isTTY === true,
          out: (t) => process.stdout.write(t),
        },
        stop,
      );
      process.exit(0);
    });
}
