import { execFile } from "node:child_process";
import { checkCommon, timeoutMs } from "./common/config.js";
import {
  describe,
  SourceAbortedError,
  SourceExecError,
  SourceTimeoutError,
} from "./common/errors.js";
import { parseNvidiaSmiCsv, QUERY_FIELDS } from "./nvidia-smi-csv.js";
import type { FetchResult, Source, SourceConfig } from "./types.js";

export const NVIDIA_SMI_ARGS: readonly string[] = [
  `--query-gpu=${QUERY_FIELDS.join(",")}`,
  "--format=csv,noheader,nounits",
];

/**
 * Local nvidia-smi, no exporter needed. Runs asynchronously (child_process.execFile with the
 * source's timeout and the caller's signal), so a hung driver call never blocks the event
 * loop; on timeout the child is killed. nvidia-smi has no energy counter: power only.
 */
export function createNvidiaSmiSource(config: SourceConfig): Source {
  checkCommon(config);
  const command = config.command ?? "nvidia-smi";
  const timeout = timeoutMs(config);
  return {
    config,
    fetch: (signal) => runNvidiaSmi(config.name, command, timeout, signal),
    parse: (body, timeMs) => parseNvidiaSmiCsv(body, config.name, timeMs),
  };
}

function runNvidiaSmi(
  source: string,
  command: string,
  timeout: number,
  signal: AbortSignal,
): Promise<FetchResult> {
  const context = { source, command };
  return new Promise((resolve) => {
    execFile(
      command,
      NVIDIA_SMI_ARGS,
      { timeout, signal, killSignal: "SIGKILL", maxBuffer: 4 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        const timeMs = Date.now();
        if (error === null) {
          resolve({ ok: true, body: stdout, timeMs });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (signal.aborted) {
          resolve({ ok: false, retryable: false, error: new SourceAbortedError(context), timeMs });
        } else if (e.killed === true) {
          resolve({
            ok: false,
            retryable: true,
            error: new SourceTimeoutError(timeout, context),
            timeMs,
          });
        } else if (e.code === "ENOENT" || e.code === "EACCES") {
          const why = e.code === "ENOENT" ? "not found" : "not executable";
          const err = new SourceExecError(`${command} ${why}; set sources[].command`, context, e);
          resolve({ ok: false, retryable: false, error: err, timeMs });
        } else {
          const detail =
            String(stderr || stdout)
              .trim()
              .slice(0, 300) || describe(e);
          const err = new SourceExecError(
            `${command} failed (exit ${e.code}): ${detail}`,
            context,
            e,
          );
          resolve({ ok: false, retryable: true, error: err, timeMs });
        }
      },
    );
  });
}
