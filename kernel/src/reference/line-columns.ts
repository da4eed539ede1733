/** A growable set of line columns, turned into a Stage2Output at the end. */
import type { LineF64Column, LineKind, Stage2Output } from "../types.js";

export type LineValues = Record<LineF64Column, number>;

export interface LineIdentity {
  reading: number;
  workload: number;
  tenant: number;
  kind: LineKind;
}

export class LineColumns {
  private readonly ids: LineIdentity[] = [];
  private readonly values: LineValues[] = [];

  push(id: LineIdentity, values: LineValues): void {
    this.ids.push(id);
    this.values.push(values);
  }

  toOutput(): Stage2Output {
    const col = (c: LineF64Column): Float64Array => Float64Array.from(this.values, (v) => v[c]);
    return {
      count: this.ids.length,
      reading: Int32Array.from(this.ids, (id) => id.reading),
      workload: Int32Array.from(this.ids, (id) => id.workload),
      tenant: Int32Array.from(this.ids, (id) => id.tenant),
      kind: Uint8Array.from(this.ids, (id) => id.kind),
      gpuEnergyJ: col("gpuEnergyJ"),
      idleEnergyJ: col("idleEnergyJ"),
      hostEnergyJ: col("hostEnergyJ"),
      facilityEnergyJ: col("facilityEnergyJ"),
      gpuSeconds: col("gpuSeconds"),
      prompt: col("prompt"),
      cached: col("cached"),
      gen: col("gen"),
      requests: col("requests"),
      coverage: col("coverage"),
      energyCost: col("energyCost"),
      gpuTimeCost: col("gpuTimeCost"),
      listCost: col("listCost"),
      effectiveCost: col("effectiveCost"),
      carbonG: col("carbonG"),
    };
  }
}
