/**
 * Stage workers: `stageBatch` (stage.ts) on worker threads, so decoding and validating the
 * next batches overlaps the commit running on the main thread, which then only resolves
 * label tuples, dedupes, appends and commits. Measured in docs/collector-ingest.md.
 *
 * A request goes to the worker with the fewest in flight. The request's bytes move to the
 * worker (copied first when they share a buffer); the prepared columns move back. A worker
 * that dies fails only its own requests (their Pushes are acked RETRY) and is replaced.
 * Workers that cannot even start (MAX_BOOT_FAILURES in a row) are given up: the pool then
 * stages on the calling thread, slower but serving.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { type StageInput, type StageOutcome, stageBatch, wholeBuffers } from "./stage.js";
import type { StageReply, StageRequest } from "./stage-worker.js";

interface Pending {
  resolve: (outcome: StageOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** It has answered at least once (it booted). */
  served: boolean;
}

/** Workers that die in a row before answering once: then the pool stages inline. */
const MAX_BOOT_FAILURES = 3;

/** `ingest.stage_workers: auto`: one core stays with the main thread (and DuckDB's). */
export function defaultStageWorkers(): number {
  return Math.min(4, Math.max(0, availableParallelism() - 1));
}

/**
 * The worker script: beside this module when built; when running from source (vitest,
 * vite-node) the build's copy, which `npm test` and `npm ci` build first. Undefined when
 * there is none: the caller stages on its own thread.
 */
export function stageWorkerFile(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".js")) return fileURLToPath(new URL("./stage-worker.js", import.meta.url));
  const built = fileURLToPath(
    new URL("../../dist/collector/ingest/stage-worker.js", import.meta.url),
  );
  return existsSync(built) ? built : undefined;
}

export class StagePool {
  private readonly slots: (Slot | undefined)[];
  private nextId = 1;
  private closed = false;
  private bootFailures = 0;
  private inline = false;

  constructor(
    size: number,
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`stage workers: ${size} is not ≥ 1`);
    this.slots = new Array<Slot | undefined>(size).fill(undefined);
    // Started now, so the first Push does not wait for a thread to boot.
    for (let i = 0; i < size; i++) this.spawn(i);
  }

  run(input: StageInput): Promise<StageOutcome> {
    if (this.closed) return Promise.reject(new Error("TW_ERR_INGEST_STAGE: stage pool closed"));
    if (this.inline) return Promise.resolve().then(() => stageBatch(input));
    const slot = this.pick();
    const id = this.nextId++;
    const { bytes } = input;
    // Move the request's bytes; a view into a shared buffer is copied into its own first
    // (`new Uint8Array(view)` copies; a Buffer's `slice` would not).
    const own = wholeBuffers([bytes]).length === 1 ? bytes : new Uint8Array(bytes);
    const request: StageRequest = { id, input: { ...input, bytes: own } };
    return new Promise<StageOutcome>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(request, [own.buffer as ArrayBuffer]);
    });
  }

  /** Stops the workers; requests still in flight fail. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot, i) => {
        this.slots[i] = undefined;
        if (slot === undefined) return;
        this.fail(slot, new Error("TW_ERR_INGEST_STAGE: collector shutting down"));
        await slot.worker.terminate();
      }),
    );
  }

  private pick(): Slot {
    let best = -1;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s === undefined) {
        best = i;
        break;
      }
      if (best < 0 || s.pending.size < (this.slots[best] as Slot).pending.size) best = i;
    }
    return this.slots[best] ?? this.spawn(best);
  }

  private spawn(index: number): Slot {
    const worker = new Worker(this.file);
    const slot: Slot = { worker, pending: new Map(), served: false };
    this.slots[index] = slot;
    worker.on("message", (reply: StageReply) => {
      const p = slot.pending.get(reply.id);
      slot.served = true;
      if (p === undefined) return;
      slot.pending.delete(reply.id);
      if ("error" in reply) p.reject(new Error(`TW_ERR_INGEST_STAGE: ${reply.error}`));
      else p.resolve(reply.outcome);
    });
    let dead = false;
    const gone = (why: string) => {
      if (dead) return;
      dead = true;
      if (this.slots[index] === slot) this.slots[index] = undefined;
      if (this.closed) return;
      this.bootFailures = slot.served ? 0 : this.bootFailures + 1;
      if (this.bootFailures >= MAX_BOOT_FAILURES && !this.inline) {
        this.inline = true;
        this.logger.error(
          { file: this.file, err: why },
          `stage workers died ${MAX_BOOT_FAILURES} times before answering once: staging on the main thread from now on (set ingest.stage_workers: 0 to choose this)`,
        );
      } else {
        this.logger.error(
          { worker: index, err: why },
          "stage worker died; a new one takes its place",
        );
      }
      this.fail(slot, new Error(`TW_ERR_INGEST_STAGE: stage worker died: ${why}`));
    };
    worker.on("error", (err) => gone(err.message));
    worker.on("exit", (code) => gone(`exit code ${code}`));
    // Idle workers do not keep the process alive.
    worker.unref();
    return slot;
  }

  private fail(slot: Slot, error: Error): void {
    for (const p of slot.pending.values()) p.reject(error);
    slot.pending.clear();
  }
}
