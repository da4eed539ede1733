/**
 * Stage 2 of the reference kernel: attribute and price one window's GPU energy to usage and
 * idle lines (docs/metering-model.md, "Stage 2", steps 4–7). Clarity over speed: it is the
 * oracle the WASM kernel is tested against.
 */
import { LineKind, type Stage2Input, type Stage2Output } from "../types.js";
import { checkStage2 } from "./checks.js";
import { type GpuEnergy, gpuEnergies, readingsByWindow } from "./gpu-energy.js";
import { LineColumns, type LineValues } from "./line-columns.js";
import { weightedTokens } from "./weights.js";

const J_PER_KWH = 3.6e6;
const S_PER_HOUR = 3600;

/** A contribution's per-GPU part on one reading. */
interface Attachment {
  contribution: number;
  prompt: number;
  cached: number;
  gen: number;
  requests: number;
  /** T_c: weighted tokens on this GPU. */
  weighted: number;
}

/** Token counts and idle energy of one line, before pricing. */
interface LineShare {
  fraction: number;
  idleEnergyJ: number;
  prompt: number;
  cached: number;
  gen: number;
  requests: number;
}

export function attribute(input: Stage2Input): Stage2Output {
  checkStage2(input);
  const energies = gpuEnergies(input);
  const attachments = attachmentsByReading(input);
  const lines = new LineColumns();
  const byWindow = readingsByWindow(input.readings.window, input.windows.startS.length);
  for (const members of byWindow) {
    for (const r of members) emitReading(input, r, energies[r], attachments[r], lines);
  }
  return lines.toOutput();
}

function attachmentsByReading(input: Stage2Input): Attachment[][] {
  const c = input.contributions;
  const result: Attachment[][] = Array.from({ length: input.readings.window.length }, () => []);
  for (let i = 0; i < c.window.length; i++) {
    const n = c.gpuCount[i];
    const weighted = weightedTokens(
      c.prompt[i],
      c.cached[i],
      c.gen[i],
      input.promptWeight,
      input.cachedWeight,
    );
    for (let j = c.gpuStart[i]; j < c.gpuStart[i] + n; j++) {
      result[c.gpuIndex[j]].push({
        contribution: i,
        prompt: c.prompt[i] / n,
        cached: c.cached[i] / n,
        gen: c.gen[i] / n,
        requests: c.requests[i] / n,
        weighted: weighted / n,
      });
    }
  }
  return result;
}

function emitReading(
  input: Stage2Input,
  r: number,
  e: GpuEnergy,
  attached: Attachment[],
  lines: LineColumns,
): void {
  const totalWeighted = attached.reduce((sum, a) => sum + a.weighted, 0);
  const separate = input.idleSeparate;
  // Scale of the token fractions, and the idle line's fraction of the GPU.
  let usageScale = 1;
  let idleFraction = 0;
  if (!(totalWeighted > 0)) {
    usageScale = 0;
    idleFraction = 1;
  } else if (separate && e.gpu > 0) {
    usageScale = (e.gpu - e.idle) / e.gpu;
    idleFraction = e.idle / e.gpu;
  }
  const c = input.contributions;
  for (const a of attached) {
    const fraction = totalWeighted > 0 ? (a.weighted / totalWeighted) * usageScale : 0;
    const hasCounts = a.prompt > 0 || a.cached > 0 || a.gen > 0 || a.requests > 0;
    if (!(fraction > 0) && !hasCounts) continue;
    const share: LineShare = {
      fraction,
      idleEnergyJ: separate ? 0 : fraction * e.idle,
      prompt: a.prompt,
      cached: a.cached,
      gen: a.gen,
      requests: a.requests,
    };
    const id = {
      reading: r,
      workload: c.workload[a.contribution],
      tenant: c.tenant[a.contribution],
    };
    lines.push({ ...id, kind: LineKind.Usage }, lineValues(input, r, e, share));
  }
  if (idleFraction > 0) {
    const share: LineShare = {
      fraction: idleFraction,
      idleEnergyJ: e.idle,
      prompt: 0,
      cached: 0,
      gen: 0,
      requests: 0,
    };
    const owner = {
      reading: r,
      workload: input.readings.ownerWorkload[r],
      tenant: input.readings.ownerTenant[r],
    };
    lines.push({ ...owner, kind: LineKind.Idle }, lineValues(input, r, e, share));
  }
}

/** Step 6 (energies, GPU time, counts) and step 7 (prices) for one line. */
function lineValues(input: Stage2Input, r: number, e: GpuEnergy, share: LineShare): LineValues {
  const w = input.readings.window[r];
  const win = input.windows;
  const f = share.fraction;
  const facilityEnergyJ = f * e.facility;
  const gpuSeconds = f * win.lengthS[w];
  const kwh = facilityEnergyJ / J_PER_KWH;
  const hours = gpuSeconds / S_PER_HOUR;
  const energyCost = kwh * win.pricePerKwh[w];
  const gpuTimeCost = hours * win.gpuRatePerHour[w];
  const listCost = energyCost + gpuTimeCost;
  return {
    gpuEnergyJ: f * e.gpu,
    idleEnergyJ: share.idleEnergyJ,
    hostEnergyJ: f * e.host,
    facilityEnergyJ,
    gpuSeconds,
    prompt: share.prompt,
    cached: share.cached,
    gen: share.gen,
    requests: share.requests,
    coverage: input.readings.coveredS[r] / win.lengthS[w],
    energyCost,
    gpuTimeCost,
    listCost,
    effectiveCost: listCost * (1 - win.discount[w]),
    // SCI: operational E·I plus embodied M.
    carbonG: kwh * win.carbonGPerKwh[w] + hours * win.embodiedGPerGpuHour[w],
  };
}
