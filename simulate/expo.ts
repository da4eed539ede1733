/** Prometheus text-format helpers matching the exporters we imitate. */

/**
 * Python prometheus_client's `floatToGoString` (vLLM and LiteLLM print through it):
 * `14588.0`, and exponent form once the integer part has more than 6 digits
 * (`4.879232e+06`).
 */
export function pyFloat(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return "+Inf";
  if (d === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(d)) return "NaN";
  let s = String(d);
  if (Number.isInteger(d) && !s.includes("e")) s = `${s}.0`;
  const dot = s.indexOf(".");
  if (d > 0 && dot > 6 && !s.includes("e")) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/[0.]+$/, "");
    return `${mantissa}e+0${dot - 1}`;
  }
  return s;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

export function labels(pairs: [string, string][]): string {
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

export function family(name: string, type: "counter" | "gauge", help: string): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
}
