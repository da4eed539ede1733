/**
 * Spool and shipper figures on the agent's /metrics, read from their counters at scrape time
 * (no bookkeeping on the hot path). Counters are `_total`; gauges are current state.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { SpoolCounters } from "../spool/types.js";
import type { ShipperCounters } from "./shipper.js";

export interface ShipFigures {
  spool: SpoolCounters;
  shipper: ShipperCounters;
  /** Lines that could not be encoded into a batch (dropped, logged). */
  encodeErrors: () => number;
  /** Lines waiting in the open batch. */
  pendingLines: () => number;
}

export function registerShipMetrics(registry: Registry, f: ShipFigures): void {
  const registers = [registry];
  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value());
      },
    });
  const counter = (name: string, help: string, value: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(value());
      },
    });
  gauge("tokenwatt_spool_bytes", "Bytes of spool segments on disk", () => f.spool.spoolBytes);
  gauge(
    "tokenwatt_spool_unacked_batches",
    "Batches spooled and not yet acknowledged by a collector",
    () => f.spool.unackedBatches,
  );
  gauge(
    "tokenwatt_spool_disk_full",
    "1 while the disk refuses spool writes (ENOSPC, EIO); batches wait in memory",
    () => f.spool.diskFull,
  );
  gauge(
    "tokenwatt_spool_memory_queued_batches",
    "Batches held in memory because the disk refused them",
    () => f.spool.memoryQueuedBatches,
  );
  gauge(
    "tokenwatt_spool_memory_queued_bytes",
    "Bytes held in memory because the disk refused them",
    () => f.spool.memoryQueuedBytes,
  );
  gauge(
    "tokenwatt_ship_pending_lines",
    "Usage lines in the open batch, not yet spooled",
    f.pendingLines,
  );
  gauge(
    "tokenwatt_ship_connected",
    "1 while the last push reached a collector and got an ack",
    () => f.shipper.connected,
  );
  counter(
    "tokenwatt_spool_appended_batches_total",
    "Batches appended to the spool",
    () => f.spool.appendedBatches,
  );
  counter(
    "tokenwatt_spool_dropped_segments_total",
    "Segments dropped by the size cap (agent.spool_max_bytes) with unacknowledged batches",
    () => f.spool.capDroppedSegments,
  );
  counter(
    "tokenwatt_spool_cap_dropped_batches_total",
    "Unacknowledged batches lost to the size cap",
    () => f.spool.capDroppedBatches,
  );
  counter(
    "tokenwatt_spool_memory_dropped_batches_total",
    "Batches lost because the disk was full and the memory bound reached",
    () => f.spool.memoryDroppedBatches,
  );
  counter(
    "tokenwatt_spool_corrupt_frames_total",
    "Spool frames skipped for a CRC mismatch or damaged header",
    () => f.spool.corruptFrames,
  );
  counter(
    "tokenwatt_spool_torn_tail_bytes_total",
    "Bytes of torn segment tails truncated on recovery",
    () => f.spool.tornTailBytes,
  );
  counter(
    "tokenwatt_spool_write_errors_total",
    "Spool write or fsync failures",
    () => f.spool.writeErrors,
  );
  counter(
    "tokenwatt_spool_disk_full_events_total",
    "Times the disk started refusing spool writes",
    () => f.spool.diskFullEvents,
  );
  counter(
    "tokenwatt_ship_acked_batches_total",
    "Batches a collector stored (acknowledged)",
    () => f.shipper.ackedBatches,
  );
  counter(
    "tokenwatt_ship_rejected_batches_total",
    "Batches a collector refused for good (dropped)",
    () => f.shipper.rejectedBatches,
  );
  counter(
    "tokenwatt_ship_lines_stored_total",
    "Lines collectors stored as new",
    () => f.shipper.linesStored,
  );
  counter(
    "tokenwatt_ship_lines_duplicate_total",
    "Lines collectors already had (resends)",
    () => f.shipper.linesDuplicate,
  );
  counter(
    "tokenwatt_ship_lines_rejected_total",
    "Lines collectors refused by validation",
    () => f.shipper.linesRejected,
  );
  counter(
    "tokenwatt_ship_bytes_total",
    "Batch bytes acknowledged by collectors",
    () => f.shipper.bytesSent,
  );
  counter(
    "tokenwatt_ship_encode_errors_total",
    "Lines that could not be encoded into a batch (dropped)",
    f.encodeErrors,
  );
  new Counter({
    name: "tokenwatt_ship_retries_total",
    help: "Failed pushes retried with backoff, by reason",
    labelNames: ["reason"],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of f.shipper.retries) this.inc({ reason }, n);
    },
  });
}
