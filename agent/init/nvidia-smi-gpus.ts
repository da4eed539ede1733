import { execFile } from "node:child_process";

/** One GPU as `nvidia-smi --query-gpu=index,uuid,name` lists it. */
export interface DiscoveredGpu {
  index: number;
  uuid: string;
  name: string;
}

export type GpuQueryResult = { ok: true; gpus: DiscoveredGpu[] } | { ok: false; reason: string };

export const NVIDIA_SMI_ARGS = ["--query-gpu=index,uuid,name", "--format=csv,noheader"];

const UUID_RE = /^GPU-[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;

/** Parses `index, uuid, name` lines; the name may itself contain commas, so split twice only. */
export function parseGpuList(csv: string): DiscoveredGpu[] {
  const gpus: DiscoveredGpu[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s*,\s*([^,]+?)\s*,\s*(.+?)\s*$/.exec(line);
    if (m === null || !UUID_RE.test(m[2])) continue;
    gpus.push({ index: Number(m[1]), uuid: m[2], name: m[3] });
  }
  return gpus;
}

/** Runs nvidia-smi; a missing binary or a failing driver is a value, not a throw. */
export function queryGpus(command: string, timeoutMs: number): Promise<GpuQueryResult> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      if (err !== null) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({
          ok: false,
          reason: code === "ENOENT" ? `${command} not found` : `${command} failed: ${err.message}`,
        });
        return;
      }
      resolve({ ok: true, gpus: parseGpuList(stdout) });
    });
  });
}
