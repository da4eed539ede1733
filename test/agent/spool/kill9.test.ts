import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { Spool } from "../../../agent/spool/spool.js";
import { expectedPayload } from "./kill9-payload.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const ROUNDS = 5;

interface Round {
  ok: number[];
  acked: number[];
}

/** Runs the child until it has appended for `runMillis`, then SIGKILLs it. */
function runAndKill(dir: string, runMillis: number): Promise<Round> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, "node_modules/vite-node/vite-node.mjs"),
        join(import.meta.dirname, "kill9-child.ts"),
        dir,
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    const round: Round = { ok: [], acked: [] };
    let buf = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) {
        const [word, n] = line.split(" ");
        if (word === "ready") setTimeout(() => child.kill("SIGKILL"), runMillis);
        else if (word === "ok") round.ok.push(Number(n));
        else if (word === "ack") round.acked.push(Number(n));
        else if (word === "error") fail(new Error(line));
      }
    });
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") done(round);
      else fail(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe("spool under kill -9", () => {
  let dir = "";
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps every batch whose append resolved, exactly once, across repeated SIGKILLs", async () => {
    dir = await mkdtemp(join(tmpdir(), "tw-kill9-"));
    const ok = new Set<number>();
    const acked = new Set<number>();
    for (let r = 0; r < ROUNDS; r++) {
      const round = await runAndKill(dir, 100 + Math.floor(Math.random() * 400));
      expect(round.ok.length).toBeGreaterThan(0);
      for (const s of round.ok) {
        expect(ok.has(s)).toBe(false); // sequence numbers are never reused across restarts
        ok.add(s);
      }
      for (const s of round.acked) acked.add(s);
    }
    const spool = new Spool({
      dir,
      maxBytes: 64 * 1024 * 1024,
      segmentMaxBytes: 16 * 1024,
      logger: pino({ level: "silent" }),
    });
    await spool.start();
    const seen: number[] = [];
    for (let e = await spool.nextUnacked(); e; e = await spool.nextUnacked(e.seq)) {
      expect(Buffer.from(e.payload).equals(expectedPayload(e.seq))).toBe(true);
      seen.push(e.seq);
    }
    await spool.shutdown();
    expect(new Set(seen).size).toBe(seen.length);
    const present = new Set(seen);
    const missing = [...ok].filter((s) => !acked.has(s) && !present.has(s));
    expect(missing).toEqual([]);
    expect(spool.counters.corruptFrames).toBe(0);
    console.info(
      `kill -9: ${ROUNDS} rounds, ${ok.size} durable appends, ${acked.size} acked, ${seen.length} on disk, torn tail bytes ${spool.counters.tornTailBytes}`,
    );
  });
});
