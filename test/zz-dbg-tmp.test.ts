import { it } from "vitest";
import { realisticBatch } from "../bench/wire/realistic-batch.js";
import { encodeBatch, decodeBatch } from "../wire/batch-codec.js";
it("dbg", () => {
  const b = realisticBatch(2, 1, 1_767_225_600);
  for (const [i, f, v] of [[3,"x_GpuEnergyJ",-1],[7,"x_Coverage",1.5],[9,"x_Lane","moon"],[11,"ResourceId","x".repeat(600)]] as const) {
    const lines = b.lines.map((l) => ({ ...l }));
    (lines[i] as Record<string, unknown>)[f] = v;
    const enc = encodeBatch(lines, b.readings, { agentId: "a", bootId: "boot", sequence: 0, createdUnixMs: 1 });
    if (!enc.ok) { console.log(f, "enc", enc.error.message); continue; }
    const d = decodeBatch(enc.value);
    console.log(f, d.ok ? "ok" : d.error.message);
  }
});
