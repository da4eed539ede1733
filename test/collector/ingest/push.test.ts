import pino from "pino";
import { describe, expect, it } from "vitest";
import { realisticBatch } from "../../../bench/wire/realistic-batch.js";
import { COLLECTOR_DEFAULTS } from "../../../collector/config/load.js";
import { CollectorMetrics } from "../../../collector/ingest/metrics.js";
import { handlePush } from "../../../collector/ingest/push.js";
import type {
  IngestBatch,
  IngestColumnsBatch,
  IngestResult,
  Store,
} from "../../../collector/store/types.js";
import { encodeBatch } from "../../../wire/batch-codec.js";
import { AckStatus } from "../../../wire/collector-service.js";
import { linesFromColumns } from "../../../wire/line-rows.js";

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

async function push(store: Partial<Store>) {
  const out = await handlePush(
    bytes,
    { via: "loopback", name: "test" },
    {
      store: store as Store,
      limits: { ...COLLECTOR_DEFAULTS },
      metrics: new CollectorMetrics(async () => []),
      logger: pino({ level: "silent" }),
      afterCommit: () => undefined,
      nowMs: () => 1_767_225_600_000,
    },
  );
  if (!out.ok) throw new Error(out.message);
  return out.ack;
}

describe("handlePush", () => {
  it("hands a column-taking store the decoded columns with the valid rows flagged", async () => {
    let got: IngestColumnsBatch | undefined;
    const ack = await push({
      ingest: () => Promise.reject(new Error("objects path used")),
      ingestColumns: async (b) => {
        got = b;
        return result(b.kept);
      },
    });
    expect(ack.status).toBe(AckStatus.ACK_STATUS_STORED);
    expect(ack.rejections?.map((r) => [r.row, r.reason])).toEqual([
      [3, "negative"],
      [7, "string_too_long"],
    ]);
    expect(got?.kept).toBe(expected.length);
    expect(got && linesFromColumns(got.lines, got.keep)).toEqual(expected);
    expect(got?.readings[0]).toMatchObject({ agentId, metro: lines[0].RegionId });
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
});
