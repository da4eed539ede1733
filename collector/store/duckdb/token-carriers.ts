/**
 * Which usage line of a batch carries each of its token rows. The agent's stage 2 writes,
 * per agent, GPU, window, workload and tenant, one `usage` line whose four token counts are
 * the token row of that reading, workload and tenant: storing them once, in the line's fact
 * (schema.ts TOKEN_RDIM), spares the commit a fifth of the bytes it appends, logs and
 * checkpoints (docs/collector-ingest.md). A token row is carried only by a line that repeats
 * it exactly: same agent, GPU, window start, workload and tenant, kind `usage`, and the same
 * four numbers (Object.is); a line carries at most one token row. Any other token row is
 * stored on its own, as before. Pure JavaScript: runs in the stage workers with `prepare`.
 */
import { LINE_COLUMNS, LINES, READINGS, TOKEN_COUNTS, TOKENS } from "./schema.js";
import { type Columnar, numeric, type ReadingColumns, TOKEN_NUMBERS } from "./to-columns.js";

const lineLabel = (name: string) => LINES.labels.indexOf(name);
const LINE_AGENT = lineLabel("x_AgentId");
const LINE_GPU = lineLabel("ResourceId");
const LINE_WORKLOAD = lineLabel("x_Workload");
const LINE_TENANT = lineLabel("SubAccountId");
const LINE_KIND = lineLabel("x_LineKind");
const READING_AGENT = READINGS.labels.indexOf("agent_id");
const READING_GPU = READINGS.labels.indexOf("gpu_uuid");
/** A token row's label tuple is (workload, tenant), as token_dims holds it. */
const TOKEN_WORKLOAD = TOKENS.labels.indexOf("workload");
const TOKEN_TENANT = TOKENS.labels.indexOf("tenant");
/** Line columns of the four counts, in TOKEN_NUMBERS order. */
const LINE_COUNTS = TOKEN_COUNTS.map(([, line]) => LINE_COLUMNS.findIndex((c) => c.name === line));

/** One key per (agent, GPU, workload, tenant), whatever characters the labels hold. */
function who(agent: string, gpu: string, workload: string, tenant: string): string {
  return JSON.stringify([agent, gpu, workload, tenant]);
}

/** Per token row of `readings`, the row of `lines` that carries it, or -1. */
export function tokenCarriers(lines: Columnar, readings: ReadingColumns): Int32Array {
  const out = new Int32Array(readings.tokenCount).fill(-1);
  if (readings.tokenCount === 0 || lines.rowCount === 0) return out;
  // Per line label tuple, an id of its (agent, GPU, workload, tenant); -1 unless `usage`.
  const ids = new Map<string, number>();
  const lv = lines.labels.values;
  const lineWho = new Int32Array(lines.labels.count);
  for (let t = 0; t < lines.labels.count; t++) {
    if (lv[LINE_KIND][t] !== "usage") {
      lineWho[t] = -1;
      continue;
    }
    const key = who(lv[LINE_AGENT][t], lv[LINE_GPU][t], lv[LINE_WORKLOAD][t], lv[LINE_TENANT][t]);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    lineWho[t] = id;
  }
  const width = ids.size;
  if (width === 0) return out;
  // Window starts numbered as they come (rows arrive grouped by window: remember the last).
  const starts = new Map<number, number>();
  let lastUs = Number.NaN;
  let lastS = -1;
  const startOf = (us: number): number => {
    if (us !== lastUs) {
      lastUs = us;
      lastS = starts.get(us) ?? -1;
      if (lastS < 0) {
        lastS = starts.size;
        starts.set(us, lastS);
      }
    }
    return lastS;
  };
  const lineStart = new Int32Array(lines.rowCount);
  for (let r = 0; r < lines.rowCount; r++) lineStart[r] = startOf(lines.timeUs[r]);
  // The first usage line of each (window start, who), or -1.
  const first = new Int32Array(starts.size * width).fill(-1);
  for (let r = 0; r < lines.rowCount; r++) {
    const w = lineWho[lines.labels.of[r]];
    if (w < 0) continue;
    const at = lineStart[r] * width + w;
    if (first[at] < 0) first[at] = r;
  }
  const lineStarts = starts.size;
  // Per (reading tuple, token tuple), its who id (or -1), found once per pair.
  const rv = readings.readings.labels.values;
  const tv = readings.tokenLabels.values;
  const tupleCount = readings.tokenLabels.count;
  const pairs = new Int32Array(readings.readings.labels.count * tupleCount).fill(-2);
  const lineCounts = LINE_COUNTS.map((i) => numeric(lines, i).values);
  const tokenCounts = TOKEN_NUMBERS.map((i) => readings.tokens[i]?.values as Float64Array);
  const claimed = new Uint8Array(lines.rowCount);
  for (let k = 0; k < readings.tokenCount; k++) {
    const o = readings.owner[k];
    const rt = readings.readings.labels.of[o];
    const tt = readings.tokenLabels.of[k];
    let w = pairs[rt * tupleCount + tt];
    if (w === -2) {
      const key = who(
        rv[READING_AGENT][rt],
        rv[READING_GPU][rt],
        tv[TOKEN_WORKLOAD][tt],
        tv[TOKEN_TENANT][tt],
      );
      w = ids.get(key) ?? -1;
      pairs[rt * tupleCount + tt] = w;
    }
    if (w < 0) continue;
    const s = startOf(readings.readings.timeUs[o]);
    if (s >= lineStarts) continue;
    const r = first[s * width + w];
    if (r < 0 || claimed[r] === 1) continue;
    let same = true;
    for (let j = 0; j < 4 && same; j++) same = Object.is(lineCounts[j][r], tokenCounts[j][k]);
    if (!same) continue;
    claimed[r] = 1;
    out[k] = r;
  }
  return out;
}
