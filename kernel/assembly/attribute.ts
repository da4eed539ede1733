// Stage 2: attribute and price GPU-window readings (docs/metering-model.md, "Stage 2").
//
// Inputs and outputs are columns the host places in linear memory; their pointers and
// counts sit in an i32 descriptor (Desc.* slots, see constants.ts):
//
//   desc ─► [nWindows nReadings nContribs nGpuIndex lineCapacity lineCount scratch
//            WStart … WEmbodied (10 f64 cols × nWindows)
//            RWindow(i32) REnergyJ RCoveredS RIdleW (f64) ROwnerWorkload ROwnerTenant (i32)
//            CWindow CWorkload CTenant (i32) CPrompt CCached CGen CRequests (f64)
//            CGpuStart CGpuCount (i32) CGpuIndex (i32 × nGpuIndex)
//            OReading OWorkload OTenant (i32) OKind (u8) OF64 (15 f64 cols × lineCapacity)]
//
//   scratch ─► S_g f64[nReadings] │ T_c f64[nContribs] │ 1/gpuCount f64[nContribs]
//              │ csrStart i32[nReadings] │ csrEnd i32[nReadings] │ entries i32[nGpuIndex]
//
// Rows are processed window by window; per window a small CSR lists, for every reading,
// the contributions on it in contribution order, which is the documented line order.

import { Desc, LINE_F64_COUNT, LineKind, Status } from "./constants";
import { fits } from "./memory";

const INV_J_PER_KWH: f64 = 1.0 / 3.6e6;
const INV_S_PER_H: f64 = 1.0 / 3600.0;

// Output columns, set once per call; globals keep the emit helper's signature short.
let oReading: usize = 0;
let oWorkload: usize = 0;
let oTenant: usize = 0;
let oKind: usize = 0;
let oF64: usize = 0;
let oStride: usize = 0;

@inline
function slot(desc: usize, i: i32): usize {
  return <usize>load<u32>(desc + (<usize>i << 2));
}

@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline
function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

// Window price parameters of the window being emitted.
let wLength: f64 = 0;
let wPrice: f64 = 0;
let wCarbon: f64 = 0;
let wRate: f64 = 0;
let wKeep: f64 = 0;
let wEmbodied: f64 = 0;

@inline
function emit(
  li: i32,
  reading: i32,
  workload: i32,
  tenant: i32,
  kind: u8,
  f: f64,
  e: f64,
  idle: f64,
  h: f64,
  fac: f64,
  prompt: f64,
  cached: f64,
  gen: f64,
  requests: f64,
  coverage: f64,
): void {
  store<i32>(oReading + (<usize>li << 2), reading);
  store<i32>(oWorkload + (<usize>li << 2), workload);
  store<i32>(oTenant + (<usize>li << 2), tenant);
  store<u8>(oKind + <usize>li, kind);
  const s = oStride;
  let p = oF64 + (<usize>li << 3);
  const facJ = f * fac;
  const gpuS = f * wLength;
  const kwh = facJ * INV_J_PER_KWH;
  const hours = gpuS * INV_S_PER_H;
  const energyCost = kwh * wPrice;
  const timeCost = hours * wRate;
  const list = energyCost + timeCost;
  store<f64>(p, f * e);
  store<f64>((p += s), idle);
  store<f64>((p += s), f * h);
  store<f64>((p += s), facJ);
  store<f64>((p += s), gpuS);
  store<f64>((p += s), prompt);
  store<f64>((p += s), cached);
  store<f64>((p += s), gen);
  store<f64>((p += s), requests);
  store<f64>((p += s), coverage);
  store<f64>((p += s), energyCost);
  store<f64>((p += s), timeCost);
  store<f64>((p += s), list);
  store<f64>((p += s), list * wKeep);
  store<f64>((p += s), kwh * wCarbon + hours * wEmbodied);
}

/** Attributes every window; writes Desc.LineCount. Returns a Status. */
export function attribute(
  desc: usize,
  promptWeight: f64,
  cachedWeight: f64,
  idleSeparate: bool,
): i32 {
  if (!fits(desc, <usize>Desc.Slots << 2)) return Status.OutOfBounds;
  store<i32>(desc + (<usize>Desc.LineCount << 2), 0);
  const nW = <i32>slot(desc, Desc.NWindows);
  const nR = <i32>slot(desc, Desc.NReadings);
  const nC = <i32>slot(desc, Desc.NContribs);
  const nIdx = <i32>slot(desc, Desc.NGpuIndex);
  const cap = <i32>slot(desc, Desc.LineCapacity);
  if (nW < 0 || nR < 0 || nC < 0 || nIdx < 0 || cap < 0) return Status.BadShape;
  if (!isFinite(promptWeight) || !isFinite(cachedWeight)) return Status.BadShape;
  const uW = <usize>nW << 3;
  const uR4 = <usize>nR << 2;
  const uR8 = <usize>nR << 3;
  const uC4 = <usize>nC << 2;
  const uC8 = <usize>nC << 3;
  const uL4 = <usize>cap << 2;
  for (let i = Desc.WStart; i <= Desc.WEmbodied; i++) if (!fits(slot(desc, i), uW)) return Status.OutOfBounds;
  for (let i = Desc.REnergyJ; i <= Desc.RIdleW; i++) if (!fits(slot(desc, i), uR8)) return Status.OutOfBounds;
  for (let i = Desc.CPrompt; i <= Desc.CRequests; i++) if (!fits(slot(desc, i), uC8)) return Status.OutOfBounds;
  for (let i = Desc.CWindow; i <= Desc.CTenant; i++) if (!fits(slot(desc, i), uC4)) return Status.OutOfBounds;
  for (let i = Desc.OReading; i <= Desc.OTenant; i++) if (!fits(slot(desc, i), uL4)) return Status.OutOfBounds;
  if (
    !fits(slot(desc, Desc.RWindow), uR4) ||
    !fits(slot(desc, Desc.ROwnerWorkload), uR4) ||
    !fits(slot(desc, Desc.ROwnerTenant), uR4) ||
    !fits(slot(desc, Desc.CGpuStart), uC4) ||
    !fits(slot(desc, Desc.CGpuCount), uC4) ||
    !fits(slot(desc, Desc.CGpuIndex), <usize>nIdx << 2) ||
    !fits(slot(desc, Desc.OKind), <usize>cap) ||
    !fits(slot(desc, Desc.OF64), (<usize>cap << 3) * LINE_F64_COUNT) ||
    !fits(slot(desc, Desc.Scratch), (uR8 << 1) + (uC8 << 1) + (<usize>nIdx << 2))
  ) {
    return Status.OutOfBounds;
  }

  const wLengthCol = slot(desc, Desc.WLength);
  const wHost = slot(desc, Desc.WHostJ);
  const wOverhead = slot(desc, Desc.WOverheadJ);
  const wPue = slot(desc, Desc.WPue);
  const wPriceCol = slot(desc, Desc.WPrice);
  const wCarbonCol = slot(desc, Desc.WCarbon);
  const wRateCol = slot(desc, Desc.WGpuRate);
  const wDiscount = slot(desc, Desc.WDiscount);
  const wEmbodiedCol = slot(desc, Desc.WEmbodied);
  const rWindow = slot(desc, Desc.RWindow);
  const rEnergy = slot(desc, Desc.REnergyJ);
  const rCovered = slot(desc, Desc.RCoveredS);
  const rIdleW = slot(desc, Desc.RIdleW);
  const rOwnerW = slot(desc, Desc.ROwnerWorkload);
  const rOwnerT = slot(desc, Desc.ROwnerTenant);
  const cWindow = slot(desc, Desc.CWindow);
  const cWorkload = slot(desc, Desc.CWorkload);
  const cTenant = slot(desc, Desc.CTenant);
  const cPrompt = slot(desc, Desc.CPrompt);
  const cCached = slot(desc, Desc.CCached);
  const cGen = slot(desc, Desc.CGen);
  const cRequests = slot(desc, Desc.CRequests);
  const cGpuStart = slot(desc, Desc.CGpuStart);
  const cGpuCount = slot(desc, Desc.CGpuCount);
  const cGpuIndex = slot(desc, Desc.CGpuIndex);
  oReading = slot(desc, Desc.OReading);
  oWorkload = slot(desc, Desc.OWorkload);
  oTenant = slot(desc, Desc.OTenant);
  oKind = slot(desc, Desc.OKind);
  oF64 = slot(desc, Desc.OF64);
  oStride = <usize>cap << 3;
  const scratch = slot(desc, Desc.Scratch);
  const sumT = scratch;
  const tC = sumT + uR8;
  const invN = tC + uC8;
  const csrStart = invN + uC8;
  const csrEnd = csrStart + uR4;
  const entries = csrEnd + uR4;

  // Window indices first, as the reference checks them, so both report the same status.
  const ws = checkWindows(rWindow, nR, nW);
  if (ws != Status.Ok) return ws;
  const wc = checkWindows(cWindow, nC, nW);
  if (wc != Status.Ok) return wc;

  let r = 0;
  let c = 0;
  let lines = 0;
  let prevW = -1;
  while (r < nR || c < nC) {
    const wr = r < nR ? i32At(rWindow, r) : i32.MAX_VALUE;
    const wc = c < nC ? i32At(cWindow, c) : i32.MAX_VALUE;
    const w = min(wr, wc);
    if (w <= prevW) return Status.Unsorted;
    prevW = w;
    const r0 = r;
    while (r < nR && i32At(rWindow, r) == w) r++;
    const c0 = c;
    while (c < nC && i32At(cWindow, c) == w) c++;

    // Weighted tokens per GPU and the CSR of contributions per reading.
    let sumE: f64 = 0;
    for (let g = r0; g < r; g++) {
      sumE += f64At(rEnergy, g);
      store<f64>(sumT + (<usize>g << 3), 0);
      store<i32>(csrStart + (<usize>g << 2), 0);
    }
    for (let k = c0; k < c; k++) {
      const n = i32At(cGpuCount, k);
      const st = i32At(cGpuStart, k);
      if (n <= 0 || st < 0 || st > nIdx - n) return Status.BadGpuRef;
      const p = f64At(cPrompt, k);
      const ca = f64At(cCached, k);
      const t = (f64At(cGen, k) + promptWeight * max(p - ca, 0) + cachedWeight * ca) / <f64>n;
      store<f64>(tC + (<usize>k << 3), t);
      store<f64>(invN + (<usize>k << 3), 1.0 / <f64>n);
      for (let j = st; j < st + n; j++) {
        const g = i32At(cGpuIndex, j);
        if (g < r0 || g >= r) return Status.BadGpuRef;
        const q = sumT + (<usize>g << 3);
        store<f64>(q, load<f64>(q) + t);
        const e = csrStart + (<usize>g << 2);
        store<i32>(e, load<i32>(e) + 1);
      }
    }
    let pos = 0;
    for (let g = r0; g < r; g++) {
      const n = i32At(csrStart, g);
      store<i32>(csrStart + (<usize>g << 2), pos);
      store<i32>(csrEnd + (<usize>g << 2), pos);
      pos += n;
    }
    for (let k = c0; k < c; k++) {
      const st = i32At(cGpuStart, k);
      const end = st + i32At(cGpuCount, k);
      for (let j = st; j < end; j++) {
        const q = csrEnd + (<usize>i32At(cGpuIndex, j) << 2);
        const e = load<i32>(q);
        store<i32>(entries + (<usize>e << 2), k);
        store<i32>(q, e + 1);
      }
    }

    // Host and facility overhead.
    const nG = <f64>(r - r0);
    const hostJ = f64At(wHost, w);
    const overheadJ = f64At(wOverhead, w);
    const pue = f64At(wPue, w);
    const hostEven = hostJ / nG;
    let sumIT: f64 = 0;
    for (let g = r0; g < r; g++) {
      const e = f64At(rEnergy, g);
      sumIT += e + (sumE > 0 ? (hostJ * e) / sumE : hostEven);
    }
    const measured = overheadJ == overheadJ;
    const ohEven = overheadJ / nG;

    wLength = f64At(wLengthCol, w);
    wPrice = f64At(wPriceCol, w);
    wCarbon = f64At(wCarbonCol, w);
    wRate = f64At(wRateCol, w);
    wKeep = 1.0 - f64At(wDiscount, w);
    wEmbodied = f64At(wEmbodiedCol, w);
    const invLength = 1.0 / wLength;

    if (lines > cap - (r - r0) - pos) return Status.Capacity;
    for (let g = r0; g < r; g++) {
      const e = f64At(rEnergy, g);
      // In the doc's order, (total · x) / Σ: a reciprocal of a tiny Σ would overflow.
      const h = sumE > 0 ? (hostJ * e) / sumE : hostEven;
      const it = e + h;
      const fac = measured ? it + (sumIT > 0 ? (overheadJ * it) / sumIT : ohEven) : it * pue;
      const idleE = min(e, f64At(rIdleW, g) * f64At(rCovered, g));
      const coverage = f64At(rCovered, g) * invLength;
      const s = f64At(sumT, g);
      const es = i32At(csrStart, g);
      const ee = i32At(csrEnd, g);
      if (s > 0) {
        let scale: f64 = 1;
        let idleFrac: f64 = 0;
        if (idleSeparate && e > 0) {
          scale = (e - idleE) / e;
          idleFrac = idleE / e;
        }
        for (let q = es; q < ee; q++) {
          const k = i32At(entries, q);
          // T/S first: a reciprocal of a tiny S would overflow.
          const f = (f64At(tC, k) / s) * scale;
          const inv = f64At(invN, k);
          const pp = f64At(cPrompt, k) * inv;
          const pc = f64At(cCached, k) * inv;
          const pg = f64At(cGen, k) * inv;
          const pr = f64At(cRequests, k) * inv;
          if (f > 0 || pp > 0 || pc > 0 || pg > 0 || pr > 0) {
            const wk = i32At(cWorkload, k);
            const tn = i32At(cTenant, k);
            emit(lines++, g, wk, tn, LineKind.Usage, f, e, idleSeparate ? 0 : f * idleE, h, fac, pp, pc, pg, pr, coverage);
          }
        }
        if (idleFrac > 0) {
          emit(lines++, g, i32At(rOwnerW, g), i32At(rOwnerT, g), LineKind.Idle, idleFrac, e, idleE, h, fac, 0, 0, 0, 0, coverage);
        }
      } else {
        for (let q = es; q < ee; q++) {
          const k = i32At(entries, q);
          const inv = f64At(invN, k);
          const pp = f64At(cPrompt, k) * inv;
          const pc = f64At(cCached, k) * inv;
          const pg = f64At(cGen, k) * inv;
          const pr = f64At(cRequests, k) * inv;
          if (pp > 0 || pc > 0 || pg > 0 || pr > 0) {
            emit(lines++, g, i32At(cWorkload, k), i32At(cTenant, k), LineKind.Usage, 0, e, 0, h, fac, pp, pc, pg, pr, coverage);
          }
        }
        emit(lines++, g, i32At(rOwnerW, g), i32At(rOwnerT, g), LineKind.Idle, 1, e, idleE, h, fac, 0, 0, 0, 0, coverage);
      }
    }
    store<i32>(desc + (<usize>Desc.LineCount << 2), lines);
  }
  return Status.Ok;
}

/** Every window index in [0, nW) and non-decreasing. */
function checkWindows(col: usize, n: i32, nW: i32): i32 {
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const w = i32At(col, i);
    if (w < 0 || w >= nW) return Status.BadWindowIndex;
    if (w < prev) return Status.Unsorted;
    prev = w;
  }
  return Status.Ok;
}
