import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realisticBatch } from "../bench/wire/realistic-batch.js";
import { encodeBatch, decodeBatch } from "../wire/batch-codec.js";
import { validateLines } from "../collector/ingest/validate.js";
import { readingRows } from "../collector/ingest/readings.js";
import { DuckDbStore } from "../collector/store/duckdb/store.js";
const dir = mkdtempSync(join(tmpdir(), "tw-prof-"));
const store = new DuckDbStore({ path: join(dir, "p.duckdb") });
await store.start();
let tDec=0,tVal=0,tStore=0;
for (let seq=0; seq<12; seq++){
  const b = realisticBatch(208, seq+1, 1_767_225_600 + seq*208*60);
  const agentId = b.lines[0].x_AgentId;
  const enc = encodeBatch(b.lines, b.readings, {agentId, bootId:"x", sequence: seq, createdUnixMs: 1});
  if(!enc.ok) throw enc.error;
  let t=performance.now();
  const d = decodeBatch(enc.value); if(!d.ok) throw d.error;
  tDec+=performance.now()-t; t=performance.now();
  const v = validateLines(d.value.lines,{agentId,maxStringLength:512,latestStartS:2e9});
  const rows = readingRows(agentId, d.value.readings, v.valid, 512);
  tVal+=performance.now()-t; t=performance.now();
  const r = await store.ingest({agentId, bootId:"x", seq, lines: v.valid, readings: rows.rows});
  tStore+=performance.now()-t;
  if (seq===0) console.log(r, v.rejected.length, d.value.readings.length);
}
console.log({perBatchMs:{dec:tDec/12,val:tVal/12,store:tStore/12}});
await store.shutdown();
