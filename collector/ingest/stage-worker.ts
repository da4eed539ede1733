/**
 * A stage worker thread (stage-pool.ts): runs `stageBatch` for each request and posts the
 * outcome back, moving its typed arrays instead of copying them.
 */
import { parentPort } from "node:worker_threads";
import { type StageInput, type StageOutcome, stageBatch, transferables } from "./stage.js";

export interface StageRequest {
  id: number;
  input: StageInput;
}

export type StageReply = { id: number; outcome: StageOutcome } | { id: number; error: string };

if (parentPort === null) throw new Error("stage-worker.js runs as a worker thread only");
const port = parentPort;
port.on("message", ({ id, input }: StageRequest) => {
  let outcome: StageOutcome;
  try {
    outcome = stageBatch(input);
  } catch (err) {
    // A bug, not bad input (stageBatch returns those): fail this request, keep serving.
    port.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies StageReply);
    return;
  }
  port.postMessage({ id, outcome } satisfies StageReply, transferables(outcome));
});
