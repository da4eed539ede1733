/**
 * The collector's store contract. DuckDB (embedded, default) implements it now; ClickHouse
 * implements the same interface later. Lines and readings are insert-only: a natural key is
 * stored once, and re-pricing writes lines under a new `x_PriceVersion`, never an update.
 */
import type { Component } from "../../agent/sources/types.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { GpuReading } from "../../wire/gpu-reading.js";
import type { LineColumnData } from "../../wire/line-columns.js";
import type { Prepared as PreparedBatch } from "./duckdb/prepare.js";

/**
 * A usage line as the collector stores it. `x_Model` (the served model, e.g.
 * `meta-llama/Llama-3.1-70B-Instruct`) is an optional addition the agent may send; it feeds
 * the FOCUS `model` tag and the workload/model rollup. Stored as `""` when absent.
 */
export type StoredUsageLine = UsageLine & { x_Model?: string };

/**
 * Stage 1 output for one GPU × window plus that GPU's per-workload × tenant token counts:
 * enough to re-run kernel stage 2 (re-attribute, re-price) without raw samples. Mirrors
 * the wire's `GpuReading`; the receiver adds the agent and the site fields of its lines.
 *
 * Stage 2 inputs from these rows, per agent × window: `hostJ = Σ hostEnergyJ`; with measured
 * overhead `overheadJ = Σ (facilityEnergyJ − energyJ − hostEnergyJ)`, otherwise
 * `pue = Σ facilityEnergyJ / Σ (energyJ + hostEnergyJ)`. Token counts are the GPU's share
 * (already divided by the workload's GPU count), so each contribution spans one reading.
 */
export interface GpuReadingRow extends GpuReading {
  agentId: string;
  /** RegionId (site.metro). */
  metro: string;
  /** AvailabilityZone (site.hall). */
  hall: string;
  rack: string;
  lane: string;
  sovereigntyZone: string;
}

/** The site fields readings take from their batch's lines (its first valid line). */
export type ReadingSite = Pick<
  GpuReadingRow,
  "metro" | "hall" | "rack" | "lane" | "sovereigntyZone"
>;

/** Decoded readings with the receiver's verdict: reading `i` is stored iff `keep[i] === 1`. */
export interface WireReadings {
  rows: readonly GpuReading[];
  keep: Uint8Array;
  site: ReadingSite;
}

/** Site metadata an agent reports (agent config `site:`), kept per agent for the export. */
export interface SiteInfo {
  metro: string;
  /** RegionName, e.g. `Frankfurt`. */
  regionName?: string;
  hall?: string;
  rack?: string;
  lane?: string;
  sovereigntyZone?: string;
  /** ProviderName / PublisherName / InvoiceIssuerName. */
  provider?: string;
}

/** One batch from one agent, as the receiver decoded it. */
export interface IngestBatch {
  agentId: string;
  /** Changes when the agent restarts; `seq` restarts with it. */
  bootId: string;
  /** Batch sequence number within the boot, from 0 or 1, +1 per batch. */
  seq: number;
  lines: StoredUsageLine[];
  readings: GpuReadingRow[];
  site?: SiteInfo;
}

/**
 * An IngestBatch whose lines are the wire decoder's columns (collector fast path): `prepare`
 * (duckdb/prepare.ts) takes rows `i` with `keep[i] === 1` (`kept` of them) as if they had
 * come as objects, and skips building and re-reading 30-field objects per line. Columns
 * carry no `x_Model` (the wire has none): stored as `""`. Readings likewise stay the
 * decoder's objects with a verdict, and become columns without GpuReadingRow objects.
 */
export interface IngestColumnsBatch extends Omit<IngestBatch, "lines" | "readings"> {
  lines: LineColumnData;
  keep: Uint8Array;
  kept: number;
  readings: WireReadings;
}

/** Outcome of a committed ingest: stored rows and rows dropped as already stored. */
export interface IngestResult {
  inserted: number;
  duplicates: number;
  readingsInserted: number;
  readingsDuplicates: number;
}

/** Per agent: what the collector has seen, for gap detection. */
export interface AgentState {
  agentId: string;
  bootId: string;
  lastSeq: number;
  /** Epoch ms of the last committed batch. */
  lastSeenMs: number;
  batches: number;
  lines: number;
  /** Missing sequence ranges of the current boot, inclusive, not yet filled by a retry. */
  gaps: { fromSeq: number; toSeq: number }[];
  site?: SiteInfo;
}

/** A price book version, the `x_PriceVersion` of the lines it priced. */
export interface PriceVersion {
  version: string;
  createdMs: number;
  /** The price book as configured (agent `prices:` section), JSON-serialisable. */
  book: unknown;
  note: string;
}

/** Filters shared by queries and the export; times are `YYYY-MM-DDTHH:mm:ssZ`, `to` exclusive. */
export interface LineFilter {
  from?: string;
  to?: string;
  metro?: string;
  tenant?: string;
  /** Only this price version; default: per natural key the newest registered version. */
  priceVersion?: string;
}

export const ROLLUP_DIMENSIONS = [
  "metro",
  "hall",
  "rack",
  "lane",
  "workload",
  "model",
  "gpuModel",
  "tenant",
] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** Additive measures of lines, summed. */
export interface LineTotals {
  lines: number;
  gpuEnergyJ: number;
  idleEnergyJ: number;
  hostEnergyJ: number;
  facilityEnergyJ: number;
  gpuSeconds: number;
  promptTokens: number;
  cachedTokens: number;
  generationTokens: number;
  requests: number;
  energyCost: number;
  gpuTimeCost: number;
  listCost: number;
  effectiveCost: number;
  carbonG: number;
}

/** One rollup row: an hour, the requested dimensions, the totals. */
export interface RollupRow extends LineTotals {
  /** `YYYY-MM-DDTHH:00:00Z`. */
  hour: string;
  currency: string;
  /** Rows of different price versions are never summed together. */
  priceVersion: string;
  keys: Partial<Record<RollupDimension, string>>;
}

export interface RollupQuery extends LineFilter {
  by: readonly RollupDimension[];
}

/** What the collector needs from any store. Calls after `shutdown` reject with TW_ERR_STORE_CLOSED. */
export interface Store extends Component, AnalyticsStore {
  /** Commits lines, readings and agent state in one durable transaction, deduplicated. */
  ingest(batch: IngestBatch): Promise<IngestResult>;
  /**
   * Optional: `ingest` of a batch already converted by the store's `prepare`
   * (duckdb/prepare.ts; same contract, same dedupe and result). The collector prepares
   * batches in its stage workers (collector/ingest/stage.ts), off the thread that commits.
   */
  ingestPrepared?(batch: PreparedBatch): Promise<IngestResult>;
  putPriceVersion(version: PriceVersion): Promise<void>;
  priceVersions(): Promise<PriceVersion[]>;
  agents(): Promise<AgentState[]>;
  lineTotals(filter?: LineFilter): Promise<LineTotals>;
  rollup(query: RollupQuery): Promise<RollupRow[]>;
}

// ── Re-pricing (collector/reprice/) ───────────────────────────────────────────────────────

/** A time range of stored readings, epoch seconds, `[fromS, toS)` by window start. */
export interface TimeRangeS {
  fromS: number;
  toS: number;
}

/**
 * Stored GPU readings of one time range, columnar, ready for kernel stage 2. Readings are
 * sorted by `group` (one group per agent × window), contributions by their reading. The
 * store keeps the string columns (agent, GPU, workload, tenant, site) on its side; `handle`
 * lets `writeRepricedLines` label the kernel's output from them.
 */
export interface ReadingChunk {
  range: TimeRangeS;
  /** Readings in this chunk. */
  count: number;
  /** Per reading: its agent × window group, 0-based, non-decreasing. */
  group: Int32Array;
  windowStartS: Float64Array;
  windowS: Float64Array;
  energyJ: Float64Array;
  coveredS: Float64Array;
  idleW: Float64Array;
  hostEnergyJ: Float64Array;
  facilityEnergyJ: Float64Array;
  /** Per reading: index of its lane in LANES (kernel/src/usage-line.ts), -1 for another value. */
  lane: Int32Array;
  /** Token rows (the GPU's share of one workload × tenant), sorted by `reading`. */
  tokens: {
    count: number;
    reading: Int32Array;
    prompt: Float64Array;
    cached: Float64Array;
    gen: Float64Array;
    requests: Float64Array;
  };
  /**
   * Store-private reference to the chunk's labels; valid until the chunk is written, also
   * while later chunks are read (re-pricing reads the next chunk during a write).
   */
  handle: unknown;
}

/**
 * Kernel stage-2 output for a ReadingChunk. Per line: `reading` (index into the chunk), `source`
 * (the token row for a usage line, the reading for an idle line), `kind` (0 usage, 1 idle) and
 * the numeric columns named as in Stage2Output.
 */
export interface RepricedLines {
  count: number;
  reading: Int32Array;
  source: Int32Array;
  kind: Uint8Array;
  columns: Record<
    | "gpuEnergyJ"
    | "idleEnergyJ"
    | "hostEnergyJ"
    | "facilityEnergyJ"
    | "gpuSeconds"
    | "prompt"
    | "cached"
    | "gen"
    | "requests"
    | "coverage"
    | "energyCost"
    | "gpuTimeCost"
    | "listCost"
    | "effectiveCost"
    | "carbonG",
    Float64Array
  >;
}

/** Where one chunk's re-priced lines go. */
export interface RepriceTarget {
  version: string;
  currency: string;
}

// ── Queries (collector/query/) ────────────────────────────────────────────────────────────

/** Dimensions a query may group by (usage-line columns; see collector/store/sql/aggregate.ts). */
export const QUERY_DIMENSIONS = [
  "metro",
  "hall",
  "rack",
  "lane",
  "workload",
  "model",
  "gpuModel",
  "tenant",
  "sovereigntyZone",
  "currency",
] as const;
export type QueryDimension = (typeof QUERY_DIMENSIONS)[number];

/** LineFilter plus the query API's extra filters (exact matches). */
export interface QueryFilter extends LineFilter {
  lane?: string;
  model?: string;
}

export interface AggregateQuery {
  filter: QueryFilter;
  by: readonly QueryDimension[];
}

/** Sums of the selected lines per group; `usageFacilityEnergyJ` counts usage lines only. */
export interface AggregateRow {
  keys: Partial<Record<QueryDimension, string>>;
  totals: LineTotals & { usageFacilityEnergyJ: number };
}

/**
 * What re-pricing and the query API need from a store, beside `Store`. Kept as its own
 * interface so each capability reads on its own; every collector store implements both.
 */
export interface AnalyticsStore {
  /** Readings stored with a window start in the range. */
  countReadings(range: TimeRangeS): Promise<number>;
  /** Ranges whose lines under `version` are already written (re-pricing resumes after them). */
  repricedRanges(version: string): Promise<TimeRangeS[]>;
  /** The readings of a range as columns (the chunk's labels stay in the store). */
  readReadingChunk(range: TimeRangeS): Promise<ReadingChunk>;
  /**
   * Writes the lines of `chunk` under `target.version`, updates the rollups and records the
   * range as done, all in one transaction (so a restart never writes a range twice).
   */
  writeRepricedLines(
    chunk: ReadingChunk,
    lines: RepricedLines,
    target: RepriceTarget,
  ): Promise<number>;
  /** True when some stored line carries `x_PriceVersion = version`. */
  hasLinesOfVersion(version: string): Promise<boolean>;
  /** Grouped sums of the lines a filter selects (one price version per natural key). */
  aggregate(query: AggregateQuery): Promise<AggregateRow[]>;
}
