/**
 * Stage 2 in plain TypeScript, tuned for V8: the WASM kernel's per-window CSR algorithm
 * over typed arrays, writing into preallocated line columns. Input validation is the
 * same as the kernel's (window order, GPU references), so the comparison is like for like.
 */
import type { Stage2Input } from "../../kernel/src/types.js";

const INV_J_PER_KWH = 1 / 3.6e6;
const INV_S_PER_H = 1 / 3600;

/** Preallocated output columns and scratch for integrateTuned's stage-2 twin. */
export class TunedStage2Out {
  readonly reading: Int32Array;
  readonly workload: Int32Array;
  readonly tenant: Int32Array;
  readonly kind: Uint8Array;
  readonly f64: Float64Array[];
  readonly sumT: Float64Array;
  readonly tC: Float64Array;
  readonly invN: Float64Array;
  readonly csrStart: Int32Array;
  readonly csrEnd: Int32Array;
  readonly entries: Int32Array;

  constructor(cap: number, nReadings: number, nContribs: number, nGpuIndex: number) {
    this.reading = new Int32Array(cap);
    this.workload = new Int32Array(cap);
    this.tenant = new Int32Array(cap);
    this.kind = new Uint8Array(cap);
    this.f64 = Array.from({ length: 15 }, () => new Float64Array(cap));
    this.sumT = new Float64Array(nReadings);
    this.tC = new Float64Array(nContribs);
    this.invN = new Float64Array(nContribs);
    this.csrStart = new Int32Array(nReadings);
    this.csrEnd = new Int32Array(nReadings);
    this.entries = new Int32Array(nGpuIndex);
  }
}

/** Returns the line count, or -1 for malformed input. */
export function attributeTuned(input: Stage2Input, o: TunedStage2Out): number {
  const { windows: W, readings: R, contributions: C } = input;
  const alpha = input.promptWeight;
  const beta = input.cachedWeight;
  const separate = input.idleSeparate;
  const nW = W.startS.length;
  const nR = R.window.length;
  const nC = C.window.length;
  const nIdx = C.gpuIndex.length;
  const rw = R.window;
  const cw = C.window;
  const E = R.energyJ;
  const cov = R.coveredS;
  const { sumT, tC, invN, csrStart, csrEnd, entries } = o;
  const cPrompt = C.prompt;
  const cCached = C.cached;
  const cGen = C.gen;
  const cRequests = C.requests;
  const cCount = C.gpuCount;
  const cStart = C.gpuStart;
  const cIndex = C.gpuIndex;
  const cWorkload = C.workload;
  const cTenant = C.tenant;
  const idleW = R.idleW;
  const ownerW = R.ownerWorkload;
  const ownerT = R.ownerTenant;
  const oReading = o.reading;
  const oWorkload = o.workload;
  const oTenant = o.tenant;
  const oKind = o.kind;
  const [
    gpuE,
    idleCol,
    hostCol,
    facCol,
    secCol,
    pCol,
    cCol,
    gCol,
    qCol,
    covCol,
    ecCol,
    tcCol,
    lcCol,
    effCol,
    co2Col,
  ] = o.f64;
  let r = 0;
  let c = 0;
  let lines = 0;
  let prevW = -1;
  while (r < nR || c < nC) {
    const wr = r < nR ? rw[r] : 0x7fffffff;
    const wc = c < nC ? cw[c] : 0x7fffffff;
    const w = Math.min(wr, wc);
    if (w < 0 || w >= nW || w <= prevW) return -1;
    prevW = w;
    const r0 = r;
    while (r < nR && rw[r] === w) r++;
    const c0 = c;
    while (c < nC && cw[c] === w) c++;
    let sumE = 0;
    for (let g = r0; g < r; g++) {
      sumE += E[g];
      sumT[g] = 0;
      csrStart[g] = 0;
    }
    for (let k = c0; k < c; k++) {
      const n = cCount[k];
      const st = cStart[k];
      if (n <= 0 || st < 0 || st > nIdx - n) return -1;
      const p = cPrompt[k];
      const ca = cCached[k];
      const t = (cGen[k] + alpha * Math.max(p - ca, 0) + beta * ca) / n;
      tC[k] = t;
      invN[k] = 1 / n;
      for (let j = st; j < st + n; j++) {
        const g = cIndex[j];
        if (g < r0 || g >= r) return -1;
        sumT[g] += t;
        csrStart[g]++;
      }
    }
    let pos = 0;
    for (let g = r0; g < r; g++) {
      const n = csrStart[g];
      csrStart[g] = pos;
      csrEnd[g] = pos;
      pos += n;
    }
    for (let k = c0; k < c; k++) {
      const st = cStart[k];
      const end = st + cCount[k];
      for (let j = st; j < end; j++) entries[csrEnd[cIndex[j]]++] = k;
    }
    const nG = r - r0;
    const hostJ = W.hostJ[w];
    const overheadJ = W.overheadJ[w];
    const pue = W.pue[w];
    const hostEven = hostJ / nG;
    let sumIT = 0;
    for (let g = r0; g < r; g++) sumIT += E[g] + (sumE > 0 ? (hostJ * E[g]) / sumE : hostEven);
    const measured = !Number.isNaN(overheadJ);
    const ohEven = overheadJ / nG;
    const L = W.lengthS[w];
    const invL = 1 / L;
    const price = W.pricePerKwh[w];
    const ci = W.carbonGPerKwh[w];
    const rate = W.gpuRatePerHour[w];
    const keep = 1 - W.discount[w];
    const emb = W.embodiedGPerGpuHour[w];
    if (lines > oReading.length - nG - pos) return -1;
    for (let g = r0; g < r; g++) {
      const e = E[g];
      const h = sumE > 0 ? (hostJ * e) / sumE : hostEven;
      const it = e + h;
      const fac = measured ? it + (sumIT > 0 ? (overheadJ * it) / sumIT : ohEven) : it * pue;
      const idleE = Math.min(e, idleW[g] * cov[g]);
      const coverage = cov[g] * invL;
      const s = sumT[g];
      const es = csrStart[g];
      const ee = csrEnd[g];
      let scale = 1;
      let idleFrac = 0;
      if (!(s > 0)) {
        scale = 0;
        idleFrac = 1;
      } else if (separate && e > 0) {
        scale = (e - idleE) / e;
        idleFrac = idleE / e;
      }
      for (let q = es; q < ee; q++) {
        const k = entries[q];
        const f = s > 0 ? (tC[k] / s) * scale : 0;
        const inv = invN[k];
        const pp = cPrompt[k] * inv;
        const pc = cCached[k] * inv;
        const pg = cGen[k] * inv;
        const pr = cRequests[k] * inv;
        if (f > 0 || pp > 0 || pc > 0 || pg > 0 || pr > 0) {
          const li = lines++;
          oReading[li] = g;
          oWorkload[li] = cWorkload[k];
          oTenant[li] = cTenant[k];
          oKind[li] = 0;
          const facJ = f * fac;
          const gpuS = f * L;
          const kwh = facJ * INV_J_PER_KWH;
          const hours = gpuS * INV_S_PER_H;
          const ec = kwh * price;
          const tcost = hours * rate;
          gpuE[li] = f * e;
          idleCol[li] = separate ? 0 : f * idleE;
          hostCol[li] = f * h;
          facCol[li] = facJ;
          secCol[li] = gpuS;
          pCol[li] = pp;
          cCol[li] = pc;
          gCol[li] = pg;
          qCol[li] = pr;
          covCol[li] = coverage;
          ecCol[li] = ec;
          tcCol[li] = tcost;
          lcCol[li] = ec + tcost;
          effCol[li] = (ec + tcost) * keep;
          co2Col[li] = kwh * ci + hours * emb;
        }
      }
      if (idleFrac > 0) {
        const li = lines++;
        oReading[li] = g;
        oWorkload[li] = ownerW[g];
        oTenant[li] = ownerT[g];
        oKind[li] = 1;
        const facJ = idleFrac * fac;
        const gpuS = idleFrac * L;
        const kwh = facJ * INV_J_PER_KWH;
        const hours = gpuS * INV_S_PER_H;
        const ec = kwh * price;
        const tcost = hours * rate;
        gpuE[li] = idleFrac * e;
        idleCol[li] = idleE;
        hostCol[li] = idleFrac * h;
        facCol[li] = facJ;
        secCol[li] = gpuS;
        pCol[li] = 0;
        cCol[li] = 0;
        gCol[li] = 0;
        qCol[li] = 0;
        covCol[li] = coverage;
        ecCol[li] = ec;
        tcCol[li] = tcost;
        lcCol[li] = ec + tcost;
        effCol[li] = (ec + tcost) * keep;
        co2Col[li] = kwh * ci + hours * emb;
      }
    }
  }
  return lines;
}
