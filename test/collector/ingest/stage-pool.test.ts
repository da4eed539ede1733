import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { realisticBatch } from "../../../bench/wire/realistic-batch.js";
import { type StageInput, stageBatch } from "../../../collector/ingest/stage.js";
import { StagePool, stageWorkerFile } from "../../../collector/ingest/stage-pool.js";
import { encodeBatch } from "../../../wire/batch-codec.js";

const { lines, readings } = realisticBatch(4, 3, 1_767_225_600);
const agentId = lines[0].x_AgentId;
const encoded = (sequence: number) => {
  const enc = encodeBatch(lines, readings, { agentId, bootId: "b", sequence, createdUnixMs: 0 });
  if (!enc.ok) throw enc.error;
  return enc.value;
};
const input = (bytes: Uint8Array): StageInput => ({
  bytes,
  agentId,
  bootId: "b",
  seq: 3,
  maxStringLength: 512,
  maxReadings: 100_000,
  latestStartS: 1_767_225_600 + 86_400,
  prepared: true,
});

// The worker runs the build's stage-worker.js (npm test builds before it runs the suite).
const file = stageWorkerFile();
if (file === undefined)
  throw new Error("dist/collector/ingest/stage-worker.js missing: npm run build");
const pool = new StagePool(2, file, pino({ level: "silent" }));
afterAll(() => pool.shutdown());

describe("StagePool", () => {
  it("stages on worker threads exactly what stageBatch stages inline", async () => {
    const inline = stageBatch(input(encoded(3)));
    const outcomes = await Promise.all([1, 2, 3].map(() => pool.run(input(encoded(3)))));
    for (const o of outcomes) expect(o).toEqual(inline);
    expect(inline.kind === "staged" && inline.batch.form).toBe("prepared");
  });

  it("moves the request's bytes to the worker, copying a view into a shared buffer first", async () => {
    const own = new Uint8Array(encoded(4)); // a buffer of its own
    const n = own.length;
    const shared = new Uint8Array(n + 16);
    shared.set(own, 8);
    const view = shared.subarray(8, 8 + n);
    const [a, b] = await Promise.all([pool.run(input(own)), pool.run(input(view))]);
    expect(own.byteLength).toBe(0); // moved
    expect([view.byteLength, shared.byteLength]).toEqual([n, n + 16]); // still ours
    expect(a.kind).toBe("staged");
    expect(b).toEqual(a);
  });

  it("refuses garbage with the decoder's reason, and fails a request whose staging throws", async () => {
    const garbage = await pool.run(input(new Uint8Array([1, 2, 3, 250, 251])));
    expect(garbage).toMatchObject({ kind: "rejected", message: /TW_ERR_INGEST_DECODE/ });
    // A `tenants` that is not a set makes validation throw: a bug's path, not bad input.
    const broken = { ...input(encoded(5)), tenants: 7 as unknown as ReadonlySet<string> };
    await expect(pool.run(broken)).rejects.toThrow(/TW_ERR_INGEST_STAGE/);
    // The worker that failed keeps serving.
    expect((await pool.run(input(encoded(6)))).kind).toBe("staged");
  });

  it("fails requests after shutdown", async () => {
    const other = new StagePool(1, file, pino({ level: "silent" }));
    const failed = expect(other.run(input(encoded(7)))).rejects.toThrow(/shutting down/);
    await other.shutdown();
    await failed;
    await expect(other.run(input(encoded(8)))).rejects.toThrow(/stage pool closed/);
  });

  it("stages inline once workers keep dying before they answer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-stage-"));
    const broken = join(dir, "broken-worker.mjs");
    writeFileSync(broken, 'throw new Error("cannot load");\n');
    const logs: string[] = [];
    const logger = pino({ level: "error" }, { write: (l: string) => logs.push(l) });
    const bad = new StagePool(1, broken, logger);
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        outcomes.push(
          await bad.run(input(encoded(10 + i))).then(
            (o) => o.kind,
            (e: Error) => e.message,
          ),
        );
      }
      // The first workers die (their requests fail, to be retried by the agent); then inline.
      expect(outcomes.slice(-2)).toEqual(["staged", "staged"]);
      expect(
        outcomes.filter((o) => /stage worker died: .*cannot load/.test(o)).length,
      ).toBeGreaterThan(0);
      expect(logs.join("")).toMatch(/staging on the main thread from now on/);
    } finally {
      await bad.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
