import type { GpuSample } from "../types.js";

const BARE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * NVML's form of a GPU UUID: `GPU-` + the 36-character UUID. nvidia_gpu_exporter drops the
 * prefix; some tools upper-case it. MIG UUIDs (`MIG-…`) and anything else are returned trimmed.
 */
export function normalizeGpuUuid(raw: string): string {
  const id = raw.trim();
  if (BARE_UUID.test(id)) return `GPU-${id}`;
  if (/^gpu-/i.test(id) && BARE_UUID.test(id.slice(4))) return `GPU-${id.slice(4)}`;
  return id;
}

/** Collects one GpuSample per UUID; the first value set for a field wins. */
export class GpuTable {
  private readonly byUuid = new Map<string, GpuSample>();

  get(uuid: string): GpuSample {
    let gpu = this.byUuid.get(uuid);
    if (gpu === undefined) {
      gpu = { uuid };
      this.byUuid.set(uuid, gpu);
    }
    return gpu;
  }

  /** Sets `field` unless already set, so a MIG instance row never overrides the board row. */
  setOnce<K extends keyof GpuSample>(uuid: string, field: K, value: GpuSample[K] | undefined) {
    if (value === undefined) return;
    const gpu = this.get(uuid);
    if (gpu[field] === undefined) gpu[field] = value;
  }

  /** GPUs ordered by index, then UUID, so output never depends on exposition order. */
  list(): GpuSample[] {
    return [...this.byUuid.values()].sort(
      (a, b) =>
        (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER) ||
        (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0),
    );
  }
}

/** A non-negative integer from a label (`gpu="0"`, `index="3"`), else undefined. */
export function indexFrom(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
