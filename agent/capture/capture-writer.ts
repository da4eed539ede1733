import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/** A capture line (shared/spec/capture-format.md). */
export interface CaptureLine {
  /** When the scrape completed, epoch ms (integer). */
  ts: number;
  source: string;
  body: string;
}

/**
 * Source name of the optional first line carrying the agent's learned state (idle power),
 * so a replay starts from what the live agent knew. An extension of the capture format.
 */
export const STATE_SOURCE = "tokenwatt:state";

/** Appends scrapes as NDJSON in the order they are metered. */
export class CaptureWriter {
  private readonly stream: WriteStream;
  private closed = false;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: "a" });
  }

  write(line: CaptureLine): void {
    if (this.closed) return;
    this.stream.write(`${JSON.stringify(line)}\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.end();
    await once(this.stream, "finish");
  }
}
