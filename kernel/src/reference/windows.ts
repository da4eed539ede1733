/** The window grid of stage 1: windows [startS + k·windowS, startS + (k+1)·windowS). */
export interface WindowGrid {
  startS: number;
  windowS: number;
  nWindows: number;
}

/** Index of the window containing t, or -1 when t lies outside every window. */
export function windowOf(grid: WindowGrid, t: number): number {
  const k = Math.floor((t - grid.startS) / grid.windowS);
  return k >= 0 && k < grid.nWindows ? k : -1;
}

/** One piece [a, b] (b > a) of an interval [t0, t1] cut at window edges, with its window. */
export interface Piece {
  window: number;
  a: number;
  b: number;
}

/** The parts of [t0, t1] that lie inside windows, in time order; empty parts are skipped. */
export function cutAtWindows(grid: WindowGrid, t0: number, t1: number): Piece[] {
  const pieces: Piece[] = [];
  const first = Math.max(0, Math.floor((t0 - grid.startS) / grid.windowS));
  const last = Math.min(grid.nWindows - 1, Math.floor((t1 - grid.startS) / grid.windowS));
  for (let k = first; k <= last; k++) {
    const ws = grid.startS + k * grid.windowS;
    const a = Math.max(t0, ws);
    const b = Math.min(t1, ws + grid.windowS);
    if (b > a) pieces.push({ window: k, a, b });
  }
  return pieces;
}
