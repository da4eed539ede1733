import type { Scrape } from "../sources/types.js";

/** DCGM's "blank" values start here; anything at or above is missing, not a reading. */
export const SENTINEL = 9.2e18;

/** One series of samples, times in epoch seconds, kept in arrival order. */
export class SeriesBuffer {
  readonly t: number[] = [];
  readonly v: number[] = [];

  push(timeS: number, value: number): void {
    this.t.push(timeS);
    this.v.push(value);
  }

  get lastTime(): number {
    return this.t.length === 0 ? Number.NEGATIVE_INFINITY : this.t[this.t.length - 1];
  }

  get lastValue(): number {
    return this.v[this.v.length - 1];
  }

  /** Drops samples no longer needed once every window ending at or before `endS` is done. */
  trimBefore(endS: number): void {
    let keep = 0;
    while (keep + 1 < this.t.length && this.t[keep + 1] <= endS) keep++;
    if (keep > 0) {
      this.t.splice(0, keep);
      this.v.splice(0, keep);
    }
  }
}

export interface GpuSeries {
  uuid: string;
  index?: number;
  model: string;
  source: string;
  energyJ: SeriesBuffer;
  powerW: SeriesBuffer;
  utilizationPct: SeriesBuffer;
}

export interface TokenSeries {
  source: string;
  key: string;
  model: string;
  tenant?: string;
  prompt: SeriesBuffer;
  cached: SeriesBuffer;
  gen: SeriesBuffer;
  requests: SeriesBuffer;
}

/** Why a sample was not kept; each is a counted event on /metrics. */
export type RejectReason = "invalid" | "over_ceiling" | "out_of_order";

/**
 * Everything scraped that a pending window may still need. Invalid samples (NaN, ±∞,
 * negative, the 9.2e18 sentinel, power above the ceiling, time going backwards) are
 * rejected here, once, and counted per source; the kernel checks again as a last line.
 */
export class SampleLog {
  readonly gpus = new Map<string, GpuSeries>();
  readonly tokens = new Map<string, TokenSeries>();
  readonly series = new Map<string, SeriesBuffer>();
  /** Latest scrape time (s) per source. */
  readonly lastScrapeS = new Map<string, number>();
  onReject: (source: string, reason: RejectReason) => void = () => {};

  constructor(
    private readonly gpuSourcePriority: readonly string[],
    private readonly ceilingW: number,
  ) {}

  add(scrape: Scrape): void {
    const timeS = scrape.timeMs / 1000;
    this.lastScrapeS.set(scrape.source, Math.max(this.lastScrapeS.get(scrape.source) ?? 0, timeS));
    for (const g of scrape.gpus) {
      const series = this.gpuSeries(scrape.source, g.uuid, g.model, g.index);
      if (!series) continue;
      this.push(scrape.source, series.energyJ, timeS, g.energyJ, Number.POSITIVE_INFINITY);
      this.push(scrape.source, series.powerW, timeS, g.powerW, this.ceilingW);
      this.push(scrape.source, series.utilizationPct, timeS, g.utilizationPct, 100);
    }
    for (const tk of scrape.tokens) {
      const id = `${scrape.source}\u0000${tk.key}`;
      let s = this.tokens.get(id);
      if (!s) {
        s = {
          source: scrape.source,
          key: tk.key,
          model: tk.model,
          tenant: tk.tenant,
          prompt: new SeriesBuffer(),
          cached: new SeriesBuffer(),
          gen: new SeriesBuffer(),
          requests: new SeriesBuffer(),
        };
        this.tokens.set(id, s);
      }
      const inf = Number.POSITIVE_INFINITY;
      this.push(scrape.source, s.prompt, timeS, tk.promptTokens, inf);
      this.push(scrape.source, s.cached, timeS, tk.cachedTokens, inf);
      this.push(scrape.source, s.gen, timeS, tk.generationTokens, inf);
      this.push(scrape.source, s.requests, timeS, tk.requests, inf);
    }
    for (const x of scrape.series) {
      const id = `${scrape.source}\u0000${x.metric}\u0000${x.key ?? ""}`;
      let s = this.series.get(id);
      if (!s) {
        s = new SeriesBuffer();
        this.series.set(id, s);
      }
      this.push(scrape.source, s, timeS, x.value, Number.POSITIVE_INFINITY);
    }
  }

  /** Series of one source and metric (all keys). */
  seriesOf(source: string, metric: string): SeriesBuffer[] {
    const prefix = `${source}\u0000${metric}\u0000`;
    const out: SeriesBuffer[] = [];
    for (const [id, s] of this.series) if (id.startsWith(prefix)) out.push(s);
    return out;
  }

  trimBefore(endS: number): void {
    for (const g of this.gpus.values()) {
      g.energyJ.trimBefore(endS);
      g.powerW.trimBefore(endS);
      g.utilizationPct.trimBefore(endS);
    }
    for (const s of this.tokens.values()) {
      for (const b of [s.prompt, s.cached, s.gen, s.requests]) b.trimBefore(endS);
    }
    for (const s of this.series.values()) s.trimBefore(endS);
  }

  private gpuSeries(
    source: string,
    uuid: string,
    model: string | undefined,
    index: number | undefined,
  ): GpuSeries | undefined {
    const existing = this.gpus.get(uuid);
    const rank = (name: string) => {
      const i = this.gpuSourcePriority.indexOf(name);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    if (existing && existing.source !== source) {
      // Two sources report the same GPU: the one listed first in the config wins, and a
      // switch starts the series afresh rather than mixing two instruments.
      if (rank(source) >= rank(existing.source)) return undefined;
    }
    if (existing && existing.source === source) {
      if (model) existing.model = model;
      if (index !== undefined) existing.index = index;
      return existing;
    }
    const fresh: GpuSeries = {
      uuid,
      index,
      model: model ?? existing?.model ?? "",
      source,
      energyJ: new SeriesBuffer(),
      powerW: new SeriesBuffer(),
      utilizationPct: new SeriesBuffer(),
    };
    this.gpus.set(uuid, fresh);
    return fresh;
  }

  private push(
    source: string,
    buf: SeriesBuffer,
    timeS: number,
    value: number | undefined,
    ceiling: number,
  ): void {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < 0 || value >= SENTINEL) {
      this.onReject(source, "invalid");
      return;
    }
    if (value > ceiling) {
      this.onReject(source, "over_ceiling");
      return;
    }
    if (timeS < buf.lastTime) {
      this.onReject(source, "out_of_order");
      return;
    }
    buf.push(timeS, value);
  }
}
