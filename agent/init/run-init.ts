import { mkdir, rename, writeFile } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import { dirname } from "node:path";
import { parseAgentConfig } from "../config/load.js";
import { queryGpus } from "./nvidia-smi-gpus.js";
import {
  dcgmGpuIndices,
  EXPORTERS,
  type ExporterKind,
  probeExporter,
  vllmModels,
} from "./probe.js";
import { type Discovery, renderStarterConfig } from "./starter-config.js";

export interface InitOptions {
  /** Where to write the config. */
  path: string;
  /** Replace an existing file. */
  force?: boolean;
  /** agent.id source; default os.hostname(). */
  hostname?: string;
  /** nvidia-smi command; default `nvidia-smi` on PATH. */
  nvidiaSmi?: string;
  nvidiaSmiTimeoutMs?: number;
  /** Loopback host to probe; default 127.0.0.1. */
  probeHost?: string;
  /** Port overrides per exporter (tests use ephemeral ports). */
  ports?: Partial<Record<ExporterKind, number>>;
  probeTimeoutMs?: number;
  /** Clock for the header comment. */
  now?: () => Date;
}

export type InitResult =
  | { status: "written"; path: string; text: string; discovery: Discovery }
  | { status: "exists"; path: string };

async function discover(o: InitOptions): Promise<Discovery> {
  const host = o.probeHost ?? "127.0.0.1";
  const timeout = o.probeTimeoutMs ?? 500;
  const url = (k: ExporterKind) => `http://${host}:${o.ports?.[k] ?? EXPORTERS[k].port}/metrics`;
  const smi = o.nvidiaSmi ?? "nvidia-smi";
  const [gpus, dcgm, gpux, vllm] = await Promise.all([
    queryGpus(smi, o.nvidiaSmiTimeoutMs ?? 5000),
    probeExporter(url("dcgm"), EXPORTERS.dcgm.marker, timeout),
    probeExporter(url("nvidia-gpu-exporter"), EXPORTERS["nvidia-gpu-exporter"].marker, timeout),
    probeExporter(url("vllm"), EXPORTERS.vllm.marker, timeout),
  ]);
  return {
    hostname: o.hostname ?? osHostname(),
    gpus: gpus.ok ? gpus.gpus : [],
    ...(gpus.ok ? { nvidiaSmi: smi } : { nvidiaSmiError: gpus.reason }),
    ...(dcgm.found ? { dcgmUrl: dcgm.url } : {}),
    dcgmGpuIndices: dcgm.found ? dcgmGpuIndices(dcgm.body) : [],
    ...(gpux.found ? { nvidiaGpuExporterUrl: gpux.url } : {}),
    ...(vllm.found ? { vllmUrl: vllm.url } : {}),
    vllmModels: vllm.found ? vllmModels(vllm.body) : [],
  };
}

/**
 * `tokenwatt init`: discovers GPUs and exporters and writes a starter config. An existing
 * file is left alone unless `force`; with `force` it is replaced atomically.
 */
export async function runInit(options: InitOptions): Promise<InitResult> {
  const discovery = await discover(options);
  const text = renderStarterConfig(discovery, (options.now?.() ?? new Date()).toISOString());
  // The starter must be valid by construction; a ConfigError here is a bug in init.
  parseAgentConfig(text, options.path);
  await mkdir(dirname(options.path), { recursive: true });
  if (options.force === true) {
    const tmp = `${options.path}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, options.path);
  } else {
    try {
      await writeFile(options.path, text, { flag: "wx", mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST")
        return { status: "exists", path: options.path };
      throw err;
    }
  }
  return { status: "written", path: options.path, text, discovery };
}
