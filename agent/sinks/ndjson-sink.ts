import { type FileHandle, open } from "node:fs/promises";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import type { LineSink } from "./line-sink.js";

/** Appends usage lines as NDJSON to a file, synced after each window. */
export class NdjsonFileSink implements LineSink {
  private handle: Promise<FileHandle> | undefined;
  private closed = false;

  constructor(readonly path: string) {}

  async write(lines: UsageLine[]): Promise<void> {
    if (this.closed || lines.length === 0) return;
    this.handle ??= open(this.path, "a");
    const fh = await this.handle;
    await fh.appendFile(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    await fh.datasync();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.handle) await (await this.handle).close();
  }
}
