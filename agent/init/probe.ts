/** What `tokenwatt init` looks for on loopback, and how it recognises each exporter. */
export const EXPORTERS = {
  dcgm: { port: 9400, marker: "DCGM_" },
  "nvidia-gpu-exporter": { port: 9835, marker: "nvidia_smi_" },
  vllm: { port: 8000, marker: "vllm:" },
} as const;

export type ExporterKind = keyof typeof EXPORTERS;

export type ProbeResult =
  | { found: true; url: string; body: string }
  | { found: false; url: string };

/** GET `url`; found when it answers 200 within the timeout and the body has the marker. */
export async function probeExporter(
  url: string,
  marker: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return { found: false, url };
    }
    const body = await res.text();
    return body.includes(marker) ? { found: true, url, body } : { found: false, url };
  } catch {
    return { found: false, url };
  }
}

/** Distinct `model_name` label values of a vLLM exposition. */
export function vllmModels(body: string): string[] {
  const names = new Set<string>();
  for (const m of body.matchAll(/^vllm:[^{\s]*\{[^}]*model_name="((?:[^"\\]|\\.)*)"/gm))
    names.add(m[1]);
  return [...names].sort();
}

/** GPU indices a dcgm-exporter exposition reports power for. */
export function dcgmGpuIndices(body: string): number[] {
  const idx = new Set<number>();
  for (const m of body.matchAll(/^DCGM_FI_DEV_POWER_USAGE\{[^}]*\bgpu="(\d+)"/gm))
    idx.add(Number(m[1]));
  return [...idx].sort((a, b) => a - b);
}
