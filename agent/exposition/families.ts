import type { MetricFamily, MetricType, Sample } from "./types.js";

/** Sample-name suffixes each family type owns (OpenMetrics 1.0 §4; Prometheus text 0.0.4). */
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ["_total", "_created"],
  histogram: ["_bucket", "_sum", "_count", "_created"],
  gaugehistogram: ["_bucket", "_gsum", "_gcount"],
  summary: ["_sum", "_count", "_created"],
  info: ["_info"],
  gauge: [],
  stateset: [],
  untyped: [],
  unknown: [],
};

const TYPES = new Set<string>(Object.keys(SUFFIXES));

export function toMetricType(word: string): MetricType | undefined {
  return TYPES.has(word) ? (word as MetricType) : undefined;
}

/**
 * Families of one parse, keyed by declared name. A sample joins the family whose name it is,
 * or whose name plus one of the type's suffixes it is; otherwise an implicit `untyped` family
 * named after the sample (docs excerpts and some exporters omit `# TYPE`).
 */
export class FamilyTable {
  readonly ordered: MetricFamily[] = [];
  private readonly byName = new Map<string, MetricFamily>();

  declare(name: string): MetricFamily {
    let family = this.byName.get(name);
    if (family === undefined) {
      family = { name, type: "untyped", samples: [] };
      this.byName.set(name, family);
      this.ordered.push(family);
    }
    return family;
  }

  add(sample: Sample): void {
    this.familyOf(sample.name).samples.push(sample);
  }

  private familyOf(sampleName: string): MetricFamily {
    const exact = this.byName.get(sampleName);
    if (exact !== undefined) return exact;
    for (
      let cut = sampleName.lastIndexOf("_");
      cut > 0;
      cut = sampleName.lastIndexOf("_", cut - 1)
    ) {
      const family = this.byName.get(sampleName.slice(0, cut));
      if (family !== undefined && SUFFIXES[family.type].includes(sampleName.slice(cut))) {
        return family;
      }
    }
    return this.declare(sampleName);
  }
}
