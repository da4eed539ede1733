/**
 * Child process for the durability test: ingests generated batches into the store at
 * argv[2], prints `committed <n>` after each ingest resolves, then idles until killed.
 */
import { DuckDbStore } from "../../collector/store/duckdb/store.js";
import { generateUsage, toBatches } from "./usage-lines.js";

const path = process.argv[2];
const store = new DuckDbStore({ path });
await store.start();
const batches = toBatches(generateUsage({ agents: 1, gpusPerAgent: 2, windows: 200 }), 5000);
let lines = 0;
for (const b of batches) {
  lines += (await store.ingest(b)).inserted;
  process.stdout.write(`committed ${lines}\n`);
}
setInterval(() => undefined, 60_000);
