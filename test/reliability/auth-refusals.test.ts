/**
 * Refusals (issue #4, reliability): an unauthenticated agent, a wrong certificate, a batch for
 * another agent, an oversized batch, garbage bytes and invalid lines are each refused with a
 * clear error — and the collector keeps serving well-behaved agents throughout.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realisticBatch } from "../../bench/wire/realistic-batch.js";
import type { Collector } from "../../collector/collector.js";
import { generateDevCerts, writeDevCerts } from "../../collector/tls/dev-certs.js";
import type { UsageLine } from "../../kernel/src/usage-line.js";
import { encodeBatch } from "../../wire/batch-codec.js";
import { AckStatus } from "../../wire/collector-service.js";
import { pushRaw, startTestCollector, testCollectorConfig } from "../helpers/collector-harness.js";

const TOKEN = "token-for-agent-t-0123456789";
let dir = "";
let collector: Collector;
let strict: Collector;
const certs = generateDevCerts(["agent-a"]);
const rogue = generateDevCerts(["agent-a"], 7, "rogue CA");
const buf = (s: string) => Buffer.from(s);
const ca = buf(certs.ca.cert);
const mtls = credentials.createSsl(
  ca,
  buf(certs.agents["agent-a"].key),
  buf(certs.agents["agent-a"].cert),
);
const rogueMtls = credentials.createSsl(
  ca,
  buf(rogue.agents["agent-a"].key),
  buf(rogue.agents["agent-a"].cert),
);
const tlsOnly = credentials.createSsl(ca);

let seq = 0;
function batchFor(agentId: string, windows = 2, mutate?: (lines: UsageLine[]) => void): Uint8Array {
  const s = seq++;
  const b = realisticBatch(windows, s + 1, 1_767_225_600 + s * 3600);
  const lines = b.lines.map((l) => ({ ...l, x_AgentId: agentId }));
  mutate?.(lines);
  const enc = encodeBatch(lines, b.readings, {
    agentId,
    bootId: "boot",
    sequence: s,
    createdUnixMs: 1,
  });
  if (!enc.ok) throw enc.error;
  return enc.value;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tw-auth-"));
  const files = await writeDevCerts(join(dir, "certs"), certs);
  const config = testCollectorConfig(dir, {
    tls: { cert: files.serverCert, key: files.serverKey, ca: files.ca },
    tokens: { [TOKEN]: { agents: ["agent-t"], tenants: ["acme", "globex", "initech"] } },
  });
  config.limits.max_batch_bytes = 64 * 1024;
  collector = await startTestCollector(config);
  strict = await startTestCollector(
    testCollectorConfig(dir, {
      tls: { cert: files.serverCert, key: files.serverKey, ca: files.ca, requireClientCert: true },
      dbName: "strict.duckdb",
    }),
  );
});

afterAll(async () => {
  await collector?.shutdown();
  await strict?.shutdown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function expectStored(creds = mtls, agent = "agent-a", md: Record<string, string> = {}) {
  const r = await pushRaw(collector.address, creds, batchFor(agent), md);
  if (!r.ok) throw r.error;
  expect(r.ack.message).toBe("");
  expect(r.ack.status).toBe(AckStatus.ACK_STATUS_STORED);
  expect(r.ack.linesStored).toBe(48);
}

describe("collector refusals", () => {
  it("stores a batch from an agent with a valid client certificate", async () => {
    await expectStored();
  });

  it("refuses a caller with neither certificate nor token (UNAUTHENTICATED)", async () => {
    const r = await pushRaw(collector.address, tlsOnly, batchFor("agent-a"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(status.UNAUTHENTICATED);
    expect(r.error.details).toMatch(/TW_ERR_AUTH_MISSING/);
    await expectStored();
  });

  it("refuses a plaintext caller at the TLS port", async () => {
    const r = await pushRaw(collector.address, credentials.createInsecure(), batchFor("agent-a"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(status.UNAVAILABLE);
  });

  it("refuses a certificate from another CA, even one naming the right agent", async () => {
    const r = await pushRaw(collector.address, rogueMtls, batchFor("agent-a"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(status.UNAUTHENTICATED);
    expect(r.error.details).toMatch(/TW_ERR_AUTH_MISSING: no verified client certificate/);
    const strictR = await pushRaw(strict.address, rogueMtls, batchFor("agent-a"));
    expect(strictR.ok).toBe(false); // require_client_cert: the handshake itself fails
    await expectStored();
  });

  it("refuses a batch for an agent the certificate does not name (PERMISSION_DENIED)", async () => {
    const r = await pushRaw(collector.address, mtls, batchFor("agent-b"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(status.PERMISSION_DENIED);
    expect(r.error.details).toMatch(/TW_ERR_AUTH_AGENT.*agent-b/);
  });

  it("accepts a known bearer token for its agent and refuses an unknown one", async () => {
    await expectStored(tlsOnly, "agent-t", { authorization: `Bearer ${TOKEN}` });
    const r = await pushRaw(collector.address, tlsOnly, batchFor("agent-t"), {
      authorization: "Bearer not-a-token-at-all-xx",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.details).toMatch(/TW_ERR_AUTH_TOKEN/);
  });

  it("refuses a batch the wire decoder cannot read (unknown lane) as REJECTED", async () => {
    const r = await pushRaw(
      collector.address,
      mtls,
      batchFor("agent-a", 1, (lines) => {
        lines[2].x_Lane = "moon" as UsageLine["x_Lane"];
      }),
    );
    if (!r.ok) throw r.error;
    expect(r.ack.status).toBe(AckStatus.ACK_STATUS_REJECTED);
    expect(r.ack.message).toMatch(/TW_ERR_INGEST_DECODE.*lane "moon"/);
  });

  it("refuses an oversized batch (RESOURCE_EXHAUSTED) and garbage bytes (REJECTED)", async () => {
    const big = await pushRaw(collector.address, mtls, batchFor("agent-a", 400));
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error.code).toBe(status.RESOURCE_EXHAUSTED);
    const garbage = await pushRaw(
      collector.address,
      mtls,
      Buffer.from("this is not a protobuf batch \u0000\u00ff\u0013"),
    );
    expect(garbage.ok).toBe(true);
    if (garbage.ok) {
      expect(garbage.ack.status).toBe(AckStatus.ACK_STATUS_REJECTED);
      expect(garbage.ack.message).toMatch(/TW_ERR_INGEST_DECODE/);
    }
    await expectStored();
  });

  it("rejects invalid lines with their reasons and stores the valid ones", async () => {
    const r = await pushRaw(
      collector.address,
      mtls,
      batchFor("agent-a", 2, (lines) => {
        lines[3].x_GpuEnergyJ = -1;
        lines[7].x_Coverage = 1.5;
        lines[9].ChargePeriodEnd = lines[9].ChargePeriodStart.replace(/:00Z$/, ":07Z");
        lines[11].ResourceId = "x".repeat(600);
        lines[13].x_AgentId = "agent-z";
      }),
    );
    if (!r.ok) throw r.error;
    expect(r.ack.message).toMatch(/^5 line\(s\) rejected, first: row 3 negative/);
    expect(r.ack.status).toBe(AckStatus.ACK_STATUS_STORED);
    expect(r.ack.linesStored).toBe(43);
    expect(r.ack.linesRejected).toBe(5);
    expect(r.ack.rejections?.map((x) => [x.row, x.reason])).toEqual([
      [3, "negative"],
      [7, "coverage_range"],
      [9, "bad_window"],
      [11, "string_too_long"],
      [13, "agent_mismatch"],
    ]);
    const metrics = await collector.metrics.registry.metrics();
    expect(metrics).toMatch(/tokenwatt_collector_lines_rejected_total\{reason="negative"\} 1/);
    expect(metrics).toMatch(
      /tokenwatt_collector_calls_refused_total\{code="unauthenticated"\} [1-9]/,
    );
  });
});
