import pino from "pino";
import { describe, expect, it } from "vitest";
import { realisticBatch } from "../../../bench/wire/realistic-batch.js";
import { COLLECTOR_DEFAULTS } from "../../../collector/config/load.js";
import { CollectorMetrics } from "../../../collector/ingest/metrics.js";
import { handlePush } from "../../../collector/ingest/push.js";
import { type Prepared, prepare } from "../../../collector/store/duckdb/prepare.js";
import { LINES } from "../../../collector/store/duckdb/schema.js";
import type { IngestBatch, IngestResult, Store } from "../../../collector/store/types.js";
import { encodeBatch } from "../../../wire/batch-codec.js";
import { AckStatus } from "../../../wire/collector-service.js";

const { lines, readings } = realisticBatch(2, 9, 1_767_225_600);
const agentId = lines[0].x_AgentId;
// Rows 3 and 7 break a rule each; the rest are valid.
const sent = lines.map((l, i) =>
  i === 3 ? { ...l, x_CarbonG: -1 } : i === 7 ? { ...l, SubAccountId: "x".repeat(600) } : l,
);
const enc = encodeBatch(sent, readings, { agentId, bootId: "b", sequence: 5, createdUnixMs: 0 });
if (!enc.ok) throw enc.error;
const bytes = enc.value;
const expected = sent.filter((_, i) => i !== 3 && i !== 7);

const result = (n: number): IngestResult => ({
  inserted: n,
  duplicates: 0,
  readingsInserted: 0,
  readingsDuplicates: 0,
});

function depsFor(store: Partial<Store>) {
  return {
    store: store as Store,
    limits: { ...COLLECTOR_DEFAULTS },
    metrics: new CollectorMetrics(async () => []),
    logger: pino({ level: "silent" }),
    afterCommit: () => undefined,
    nowMs: () => 1_767_225_600_000,
  };
}

async function push(store: Partial<Store>, body = bytes) {
  const out = await handlePush(body, { via: "loopback", name: "test" }, depsFor(store));
  if (!out.ok) throw new Error(out.message);
  return out.ack;
}

describe("handlePush", () => {
  it("hands a store that takes prepared batches the valid rows as columns", async () => {
    let got: Prepared | undefined;
    const ack = await push({
      ingest: () => Promise.reject(new Error("objects path used")),
      ingestPrepared: async (b) => {
        got = b;
        return result(b.lines.rowCount);
      },
    });
    expect(ack.status).toBe(AckStatus.ACK_STATUS_STORED);
    expect(ack.rejections?.map((r) => [r.row, r.reason])).toEqual([
      [3, "negative"],
      [7, "string_too_long"],
    ]);
    const want = prepare({ agentId, bootId: "b", seq: 5, lines: expected, readings: [] });
    expect(got?.batch).toEqual({ agentId, bootId: "b", seq: 5 });
    expect(got?.lines.rowCount).toBe(expected.length);
    expect(got?.lines.timeUs).toEqual(want.lines.timeUs);
    // The wire carries no x_Model; everything else is what the line objects give.
    const model = LINES.labels.indexOf("x_Model");
    const noModel = (v: string[][]) => v.filter((_, c) => c !== model);
    expect(noModel(got?.lines.labels.values ?? [])).toEqual(noModel(want.lines.labels.values));
    expect(got?.readings.readings.rowCount).toBe(readings.length);
    expect(ack.linesStored).toBe(expected.length);
  });

  it("hands other stores the valid lines as objects", async () => {
    let got: IngestBatch | undefined;
    const ack = await push({
      ingest: async (b) => {
        got = b;
        return result(b.lines.length);
      },
    });
    expect(ack.status).toBe(AckStatus.ACK_STATUS_STORED);
    expect(got?.lines).toEqual(expected);
    expect(got?.readings).toHaveLength(readings.length);
    expect([got?.agentId, got?.bootId, got?.seq]).toEqual([agentId, "b", 5]);
  });

  it("drops a bad reading with its reason and keeps the batch's lines and other readings", async () => {
    const bad = readings.map((r, i) =>
      i === 1 ? { ...r, energyJ: -1 } : i === 2 ? { ...r, windowStartS: r.windowStartS + 7 } : r,
    );
    const e = encodeBatch(lines, bad, { agentId, bootId: "b", sequence: 6, createdUnixMs: 0 });
    if (!e.ok) throw e.error;
    let prepared: Prepared | undefined;
    let objects: IngestBatch | undefined;
    const acks = await Promise.all([
      push(
        {
          ingestPrepared: async (b) => {
            prepared = b;
            return result(b.lines.rowCount);
          },
        },
        e.value,
      ),
      push(
        {
          ingest: async (b) => {
            objects = b;
            return result(b.lines.length);
          },
        },
        e.value,
      ),
    ]);
    for (const ack of acks) {
      expect(ack.status).toBe(AckStatus.ACK_STATUS_STORED);
      expect(ack.linesStored).toBe(lines.length);
      expect(ack.message).toMatch(/2 reading\(s\) rejected, first: reading energyJ is -1/);
    }
    expect(prepared?.readings.readings.rowCount).toBe(readings.length - 2);
    expect(objects?.readings.map((r) => r.energyJ)).toEqual(
      readings.filter((_, i) => i !== 1 && i !== 2).map((r) => r.energyJ),
    );
    expect(objects?.readings[0]).toMatchObject({ agentId, metro: lines[0].RegionId });
  });
});
