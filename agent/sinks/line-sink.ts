import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { WindowResult } from "../meter/window.js";

/**
 * Where finished windows go: the NDJSON file sink, or the durable spool + shipper.
 * `write` calls arrive in window order and are awaited one at a time.
 */
export interface LineSink {
  write(lines: UsageLine[], window: WindowResult): Promise<void>;
  /** Idempotent; flushes what was written. */
  shutdown(): Promise<void>;
}
