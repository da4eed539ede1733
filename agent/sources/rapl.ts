import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { SourceReadError } from "./common/errors.js";
import { newScrape } from "./common/values.js";
import type { FetchResult, Scrape } from "./types.js";

/**
 * RAPL energy counters under /sys/class/powercap.
 *
 * Wrap-around: `energy_uj` wraps to 0 after `max_energy_range_uj` (every ~15 min at 300 W
 * on common CPUs), which the kernel would misread as a reset. The *reader* keeps the state:
 * it counts wraps per zone across fetches and writes the count into the body. `parse` stays
 * pure: energy = energy_uj + wraps × max_energy_range_uj, a monotonic counter, so a recorded
 * capture replays to exactly the same joules.
 *
 * Body, one line per zone: `<zone> <name> <energy_uj> <max_energy_range_uj> <wraps>`.
 *
 * Zones: `psys` (whole platform) alone when present; otherwise every package plus every
 * `dram` subzone (package energy already contains core/uncore, not DRAM). `intel-rapl-mmio`
 * zones duplicate the package and are skipped. RAPL never includes GPUs.
 */
export class RaplReader {
  private readonly state = new Map<string, { last: number; wraps: number }>();

  constructor(
    private readonly source: string,
    private readonly root: string,
  ) {}

  async read(): Promise<FetchResult> {
    const context = { source: this.source, file: this.root };
    let zones: RaplZone[];
    try {
      zones = await listZones(this.root);
    } catch (cause) {
      const error = new SourceReadError(`cannot list RAPL zones: ${String(cause)}`, context, cause);
      return { ok: false, retryable: false, error, timeMs: Date.now() };
    }
    if (zones.length === 0) {
      const error = new SourceReadError(`no RAPL zones under ${this.root}`, context);
      return { ok: false, retryable: false, error, timeMs: Date.now() };
    }
    const lines: string[] = [];
    for (const zone of zones) {
      const file = join(this.root, zone.id, "energy_uj");
      let energy: number;
      let range: number;
      try {
        energy = Number((await readFile(file, "utf8")).trim());
        range = Number(
          (await readFile(join(this.root, zone.id, "max_energy_range_uj"), "utf8")).trim(),
        );
      } catch (cause) {
        const denied = (cause as NodeJS.ErrnoException).code === "EACCES";
        const hint = denied
          ? " (readable by root only since Linux 5.10; run as root or grant read)"
          : "";
        const error = new SourceReadError(
          `cannot read ${file}${hint}`,
          { ...context, file },
          cause,
        );
        return { ok: false, retryable: !denied, error, timeMs: Date.now() };
      }
      lines.push(`${zone.id} ${zone.name} ${energy} ${range} ${this.wraps(zone.id, energy)}`);
    }
    return { ok: true, body: `${lines.join("\n")}\n`, timeMs: Date.now() };
  }

  private wraps(zone: string, energy: number): number {
    const s = this.state.get(zone);
    if (s === undefined) {
      this.state.set(zone, { last: energy, wraps: 0 });
      return 0;
    }
    if (energy < s.last) s.wraps++;
    s.last = energy;
    return s.wraps;
  }
}

interface RaplZone {
  id: string;
  name: string;
}

async function listZones(root: string): Promise<RaplZone[]> {
  const all: RaplZone[] = [];
  for (const id of (await readdir(root)).sort()) {
    if (!/^intel-rapl:\d+(:\d+)?$/.test(id)) continue;
    const name = (await readFile(join(root, id, "name"), "utf8").catch(() => "")).trim();
    all.push({ id, name });
  }
  const psys = all.filter((z) => z.name === "psys" && z.id.split(":").length === 2);
  if (psys.length > 0) return psys;
  return all.filter((z) =>
    z.id.split(":").length === 2 ? z.name.startsWith("package") : z.name === "dram",
  );
}

/** Parses a RaplReader body into `host_energy_j` series keyed `rapl/<zone>`. Pure. */
export function parseRapl(body: string, source: string, timeMs: number): Scrape {
  const scrape = newScrape(source, timeMs);
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    const [zone, , energyText, rangeText, wrapsText] = line.trim().split(/\s+/);
    const energy = Number(energyText);
    const range = Number(rangeText);
    const wraps = Number(wrapsText);
    const ok =
      zone !== undefined &&
      [energy, range, wraps].every((n) => Number.isFinite(n) && n >= 0) &&
      Number.isInteger(wraps) &&
      energy <= range;
    if (!ok) {
      scrape.discarded++;
      continue;
    }
    scrape.series.push({
      metric: "host_energy_j",
      value: (energy + wraps * range) / 1e6,
      key: `rapl/${zone}`,
    });
  }
  return scrape;
}
