/**
 * Progress of a re-pricing run for a terminal: readings done of the total, the rate since
 * the start, and the time left at that rate. One line per report; on a TTY each report
 * rewrites the line.
 */
export interface RepriceProgress {
  version: string;
  done: number;
  total: number;
  elapsedS: number;
  lines: number;
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
      ? `${m}m${String(sec).padStart(2, "0")}s`
      : `${sec}s`;
}

export function formatProgress(p: RepriceProgress): string {
  const rate = p.elapsedS > 0 ? p.done / p.elapsedS : 0;
  const pct = p.total > 0 ? (100 * p.done) / p.total : 100;
  const eta = rate > 0 ? (p.total - p.done) / rate : Number.POSITIVE_INFINITY;
  return `reprice ${p.version}: ${count(p.done)} / ${count(p.total)} readings (${pct.toFixed(1)}%), ${count(rate)} readings/s, ${count(p.lines)} lines, ETA ${p.done >= p.total ? "0s" : duration(eta)}`;
}

/** A reporter writing to a stream (stderr), at most every `everyMs` except the last. */
export function progressWriter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  everyMs = 1000,
): (p: RepriceProgress, final: boolean) => void {
  let last = 0;
  return (p, final) => {
    const now = Date.now();
    if (!final && now - last < everyMs) return;
    last = now;
    const text = formatProgress(p);
    stream.write(stream.isTTY ? `\r${text}${final ? "\n" : ""}` : `${text}\n`);
  };
}
