import { realisticBatch } from "../bench/wire/realistic-batch.js";
import { encodeBatch, decodeBatch } from "../wire/batch-codec.js";
import { validateLines } from "../collector/ingest/validate.js";
import { readingRows } from "../collector/ingest/readings.js";
const b = realisticBatch(208, 1, 1_767_225_600);
const agentId = b.lines[0].x_AgentId;
const enc = encodeBatch(b.lines, b.readings, {agentId, bootId:"x", sequence: 1, createdUnixMs: 1});
if(!enc.ok) throw enc.error;
for (let rep=0; rep<3; rep++){
let t=performance.now();
for (let i=0;i<20;i++) decodeBatch(enc.value);
const dec=(performance.now()-t)/20;
const d = decodeBatch(enc.value); if(!d.ok) throw d.error;
t=performance.now();
for (let i=0;i<20;i++) validateLines(d.value.lines,{agentId,maxStringLength:512,latestStartS:2e9});
const val=(performance.now()-t)/20;
t=performance.now();
for (let i=0;i<20;i++) readingRows(agentId, d.value.readings, d.value.lines, 512);
const rr=(performance.now()-t)/20;
console.log({dec,val,rr, n:d.value.lines.length});
}
