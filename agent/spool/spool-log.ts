/** The spool's logger and event sink in one: every drop and fault is logged and emitted. */
import type { Logger } from "pino";
import type { SpoolCounters, SpoolEvent } from "./types.js";

export class SpoolLog {
  constructor(
    private readonly logger: Logger,
    readonly counters: SpoolCounters,
    private readonly onEvent: (e: SpoolEvent) => void,
  ) {}

  info(obj: object, msg: string): void {
    this.logger.info(obj, msg);
  }

  warn(obj: object, msg: string): void {
    this.logger.warn(obj, msg);
  }

  error(obj: object, msg: string): void {
    this.logger.error(obj, msg);
  }

  /** Emits to the metrics module; a throwing listener must not break the spool. */
  emit(e: SpoolEvent): void {
    try {
      this.onEvent(e);
    } catch (err) {
      this.logger.error({ err, event: e.type }, "spool: event listener threw");
    }
  }
}
