import { hostname } from "node:os";
import si from "systeminformation";

/** What the agent reports about its host, once at start (and in `tokenwatt init`). */
export interface HostFacts {
  hostname: string;
  /** Logical CPUs. */
  cpus?: number;
  physicalCores?: number;
  cpuModel?: string;
  memoryBytes?: number;
  /** e.g. `linux`. */
  platform?: string;
  /** e.g. `Ubuntu 22.04.4 LTS`. */
  distro?: string;
  kernel?: string;
  arch?: string;
}

/**
 * Reads host facts with systeminformation (asynchronous; it may spawn helpers). Never
 * rejects: a part that fails is left out and the hostname falls back to os.hostname().
 */
export async function readHostFacts(): Promise<HostFacts> {
  const [os, cpu, mem] = await Promise.all([
    si.osInfo().catch(() => undefined),
    si.cpu().catch(() => undefined),
    si.mem().catch(() => undefined),
  ]);
  const facts: HostFacts = { hostname: os?.hostname || hostname() };
  if (cpu !== undefined) {
    if (cpu.cores > 0) facts.cpus = cpu.cores;
    if (cpu.physicalCores > 0) facts.physicalCores = cpu.physicalCores;
    const model = `${cpu.manufacturer} ${cpu.brand}`.trim();
    if (model !== "") facts.cpuModel = model;
  }
  if (mem !== undefined && mem.total > 0) facts.memoryBytes = mem.total;
  if (os !== undefined) {
    if (os.platform) facts.platform = os.platform;
    if (os.distro) facts.distro = `${os.distro} ${os.release}`.trim();
    if (os.kernel) facts.kernel = os.kernel;
    if (os.arch) facts.arch = os.arch;
  }
  return facts;
}
