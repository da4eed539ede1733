/**
 * The parsed form of a Prometheus text (0.0.4) or OpenMetrics (1.0) exposition. Plain data:
 * sources look samples up by their sample name (`vllm:prompt_tokens_total`), which is the
 * same string in both formats, so a source never cares which format the server spoke.
 */

export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "info"
  | "stateset"
  | "untyped"
  | "unknown";

export type ExpositionFormat = "prometheus" | "openmetrics";

/** One sample line. `value` is exactly what the line said: NaN and ±Infinity included. */
export interface Sample {
  /** Sample name as written, with its suffix (`_total`, `_bucket`, `_created` …). */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Epoch milliseconds when the line carried a timestamp (OpenMetrics seconds are converted). */
  timestampMs?: number;
}

export interface MetricFamily {
  /** Family name as declared by `# TYPE` (OpenMetrics counters omit `_total` here). */
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: Sample[];
}

export interface ParsedExposition {
  format: ExpositionFormat;
  /** Every well-formed sample, in body order. */
  samples: Sample[];
  /** Families in order of first appearance; samples without metadata get an `untyped` family. */
  families: MetricFamily[];
  /** Lines that could not be parsed; the rest of the body still parsed. */
  errors: ExpositionSyntaxError[];
}

/** A malformed exposition line. A value, collected per parse; never thrown through a scrape. */
export class ExpositionSyntaxError extends Error {
  readonly code = "TW_ERR_EXPOSITION_SYNTAX";
  constructor(
    readonly reason: string,
    /** 1-based line number in the body. */
    readonly line: number,
    /** The offending line, cut to 200 characters. */
    readonly text: string,
  ) {
    super(`line ${line}: ${reason}: ${text}`);
    this.name = "ExpositionSyntaxError";
  }
}
