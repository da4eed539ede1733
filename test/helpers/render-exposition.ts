/**
 * Renders samples as Prometheus text 0.0.4 or OpenMetrics, escaping label values and
 * spelling special values the way real exporters do. Test-only: the agent never renders
 * scraped data back out.
 */
export interface RenderSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface RenderFamily {
  name: string;
  type: "counter" | "gauge" | "untyped";
  help?: string;
  samples: RenderSample[];
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function renderValue(v: number, style: "go" | "python"): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  // Python's repr writes `1e+16` and `5.0`; Go's %g writes `1e+16` and `5`.
  if (style === "python" && Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  return String(v);
}

export function renderExposition(
  families: RenderFamily[],
  format: "prometheus" | "openmetrics",
  options: { style?: "go" | "python"; trailingNewline?: boolean } = {},
): string {
  const lines: string[] = [];
  for (const f of families) {
    const familyName =
      format === "openmetrics" && f.type === "counter" ? f.name.replace(/_total$/, "") : f.name;
    if (f.help !== undefined) {
      lines.push(`# HELP ${familyName} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    }
    lines.push(
      `# TYPE ${familyName} ${f.type === "untyped" && format === "openmetrics" ? "unknown" : f.type}`,
    );
    for (const s of f.samples) {
      const pairs = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
      const labelText = pairs.length > 0 ? `{${pairs.join(",")}}` : "";
      let line = `${s.name}${labelText} ${renderValue(s.value, options.style ?? "go")}`;
      if (s.timestampMs !== undefined) {
        line += format === "openmetrics" ? ` ${s.timestampMs / 1000}` : ` ${s.timestampMs}`;
      }
      lines.push(line);
    }
  }
  if (format === "openmetrics") lines.push("# EOF");
  const text = lines.join("\n");
  return options.trailingNewline === false ? text : `${text}\n`;
}
