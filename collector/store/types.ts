/**
 * The collector's store contract. DuckDB (embedded, default) implements it now; ClickHouse
 * implements the same interface later. Lines and readings are insert-only: a natural key is
 * stored once, and re-pricing writes lines under a new `x_PriceVersion`, never an update.
 */
import type { Component } from "../../agent/sources/types.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { GpuReading } from "../../wire/gpu-reading.js";

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
export interface Store extends Component {
  /** Commits lines, readings and agent state in one durable transaction, deduplicated. */
  ingest(batch: IngestBatch): Promise<IngestResult>;
  putPriceVersion(version: PriceVersion): Promise<void>;
  priceVersions(): Promise<PriceVersion[]>;
  agents(): Promise<AgentState[]>;
  lineTotals(filter?: LineFilter): Promise<LineTotals>;
  rollup(query: RollupQuery): Promise<RollupRow[]>;
}
