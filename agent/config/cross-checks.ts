/**
 * Rules that relate several keys. They read the raw tree defensively so they run even
 * when the structural schema found problems elsewhere: one pass reports everything.
 */
import { DEFAULTS } from "./defaults.js";
import {
  LOCAL_ONLY_KINDS,
  METRIC_REQUIRED_KINDS,
  SOURCE_KINDS,
  TOKEN_KINDS,
  URL_REQUIRED_KINDS,
} from "./kinds.js";
import type { RawIssue } from "./raw.js";
import { arr, num, rec, str } from "./raw.js";
import { checkScheduleCoverage } from "./schedule.js";

interface SourceRef {
  name: string;
  kind: string | undefined;
  index: number;
}

const POWER_UNITS = ["W", "kW"];

function list(names: string[]): string {
  return names.length === 0 ? "(none configured)" : names.join(", ");
}

function checkSources(root: Record<string, unknown>, out: RawIssue[]): SourceRef[] {
  const seen = new Map<string, number>();
  const refs: SourceRef[] = [];
  arr(root.sources).forEach((raw, i) => {
    const s = rec(raw);
    if (s === undefined) return;
    const name = str(s.name);
    const kind = str(s.kind);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined)
        out.push({
          path: ["sources", i, "name"],
          message: `duplicate source name "${name}" (also sources[${first}]). Allowed: unique names`,
        });
      else seen.set(name, i);
      refs.push({ name, kind, index: i });
    }
    if (kind === undefined || !(SOURCE_KINDS as readonly string[]).includes(kind)) return;
    const k = kind as (typeof SOURCE_KINDS)[number];
    if (URL_REQUIRED_KINDS.includes(k) && s.url === undefined)
      out.push({
        path: ["sources", i, "url"],
        message: `required for kind ${k} (it is scraped over HTTP), e.g. http://127.0.0.1:9400/metrics`,
      });
    if (LOCAL_ONLY_KINDS.includes(k) && s.url !== undefined)
      out.push({
        path: ["sources", i, "url"],
        message: `not used by kind ${k} (it runs the local binary; see \`command\`). Allowed: remove url`,
      });
    if (s.command !== undefined && k !== "nvidia-smi")
      out.push({
        path: ["sources", i, "command"],
        message: `only used by kind nvidia-smi; got kind ${k}`,
      });
    const needsMetric =
      METRIC_REQUIRED_KINDS.includes(k) || (k === "host-power" && s.url !== undefined);
    if (needsMetric && s.metric === undefined)
      out.push({
        path: ["sources", i, "metric"],
        message: `required for kind ${k}${k === "host-power" ? " with a url" : ""}: the series to read, e.g. pdu_outlet_watts`,
      });
    const unit = str(s.unit);
    if (
      (k === "host-power" || k === "facility-power") &&
      unit !== undefined &&
      !POWER_UNITS.includes(unit)
    )
      out.push({
        path: ["sources", i, "unit"],
        message: `got "${unit}". Allowed: ${POWER_UNITS.join(", ")}`,
      });
  });
  return refs;
}

function checkWorkloads(
  root: Record<string, unknown>,
  sources: SourceRef[],
  out: RawIssue[],
): void {
  const tokenSources = sources.filter((s) => TOKEN_KINDS.some((k) => k === s.kind));
  const litellm = sources.filter((s) => s.kind === "litellm");
  const seen = new Map<string, number>();
  arr(root.workloads).forEach((raw, i) => {
    const w = rec(raw);
    if (w === undefined) return;
    const name = str(w.name);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined)
        out.push({
          path: ["workloads", i, "name"],
          message: `duplicate workload name "${name}" (also workloads[${first}]). Allowed: unique names`,
        });
      else seen.set(name, i);
    }
    const tokens = str(w.tokens);
    if (tokens !== undefined && !tokenSources.some((s) => s.name === tokens)) {
      const other = sources.find((s) => s.name === tokens);
      out.push({
        path: ["workloads", i, "tokens"],
        message:
          (other === undefined
            ? `no source named "${tokens}"`
            : `source "${tokens}" is of kind ${other.kind}, not a token source`) +
          `. Allowed: ${list(tokenSources.map((s) => s.name))}`,
      });
    }
    const tenantSource = str(rec(w.tenants)?.source);
    if (tenantSource !== undefined && !litellm.some((s) => s.name === tenantSource))
      out.push({
        path: ["workloads", i, "tenants", "source"],
        message: `"${tenantSource}" is not a source of kind litellm. Allowed: ${list(litellm.map((s) => s.name))}`,
      });
    const gpuSeen = new Set<unknown>();
    arr(w.gpus).forEach((g, j) => {
      const key = typeof g === "string" ? g.toLowerCase() : g;
      if (gpuSeen.has(key))
        out.push({
          path: ["workloads", i, "gpus", j],
          message: `GPU ${String(g)} is listed twice in this workload`,
        });
      gpuSeen.add(key);
    });
  });
}

function checkAgent(root: Record<string, unknown>, out: RawIssue[]): void {
  const a = rec(root.agent);
  if (a === undefined) return;
  const scrape = num(a.scrape_interval_s) ?? DEFAULTS.scrape_interval_s;
  const gap = num(a.max_gap_s);
  if (gap !== undefined && gap < scrape)
    out.push({
      path: ["agent", "max_gap_s"],
      message: `must be >= scrape_interval_s (${scrape}); got ${gap}. Allowed: ${scrape} or more (default 3 × scrape_interval_s)`,
    });
  const win = num(a.window_s) ?? DEFAULTS.window_s;
  if (scrape > win)
    out.push({
      path: ["agent", "scrape_interval_s"],
      message: `must be <= window_s (${win}); got ${scrape}`,
    });
}

function checkPrices(root: Record<string, unknown>, sources: SourceRef[], out: RawIssue[]): void {
  const p = rec(root.prices);
  if (p === undefined) return;
  if (p.energy_per_kwh !== undefined && p.energy_schedule !== undefined)
    out.push({
      path: ["prices", "energy_schedule"],
      message: "set either energy_per_kwh (flat) or energy_schedule (time-of-use), not both",
    });
  if (p.energy_schedule !== undefined) {
    if (p.timezone === undefined)
      out.push({
        path: ["prices", "timezone"],
        message:
          "required with energy_schedule (its times are local wall-clock). Allowed: an IANA name such as Europe/Berlin",
      });
    out.push(...checkScheduleCoverage(p.energy_schedule, ["prices", "energy_schedule"]));
  }
  if (p.carbon_g_per_kwh !== undefined && p.carbon_source !== undefined)
    out.push({
      path: ["prices", "carbon_source"],
      message: "set either carbon_g_per_kwh (flat) or carbon_source (a series), not both",
    });
  const carbon = str(p.carbon_source);
  const carbonSources = sources.filter((s) => s.kind === "carbon-intensity");
  if (carbon !== undefined && !carbonSources.some((s) => s.name === carbon))
    out.push({
      path: ["prices", "carbon_source"],
      message: `"${carbon}" is not a source of kind carbon-intensity. Allowed: ${list(carbonSources.map((s) => s.name))}`,
    });
}

function checkCollector(root: Record<string, unknown>, out: RawIssue[]): void {
  const c = rec(root.collector);
  if (c === undefined) {
    if (rec(root.agent)?.sink === undefined)
      out.push({
        path: ["collector"],
        message:
          "required: set collector.urls to ship usage lines, or agent.sink to write them to a local NDJSON file",
      });
    return;
  }
  const tls = rec(c.tls);
  if (c.allow_plaintext === true && tls !== undefined)
    out.push({
      path: ["collector", "allow_plaintext"],
      message: "contradicts collector.tls. Allowed: remove one of them",
    });
  if (c.allow_plaintext === true && c.token_file !== undefined)
    out.push({
      path: ["collector", "token_file"],
      message:
        "a bearer token is only sent over TLS. Allowed: remove allow_plaintext or token_file",
    });
  if (tls !== undefined && (tls.cert === undefined) !== (tls.key === undefined))
    out.push({
      path: ["collector", "tls", tls.cert === undefined ? "cert" : "key"],
      message: "mTLS needs both cert and key",
    });
}

/** Cross-field rules over the raw (null-stripped) YAML tree. */
export function crossCheck(raw: unknown): RawIssue[] {
  const root = rec(raw);
  if (root === undefined) return [];
  const out: RawIssue[] = [];
  checkAgent(root, out);
  const sources = checkSources(root, out);
  checkWorkloads(root, sources, out);
  checkPrices(root, sources, out);
  checkCollector(root, out);
  return out;
}
