import { checkCommon, requireUrl, timeoutMs } from "./common/config.js";
import { SourceFormatError } from "./common/errors.js";
import { httpGet } from "./common/http.js";
import { parseRedfishBundle } from "./redfish-parse.js";
import type { FetchResult, Source, SourceConfig } from "./types.js";

type Json = Record<string, unknown>;

/** Links of a CoolingUnit worth following: the connectors (collections) and its own metrics. */
const COLLECTIONS = ["PrimaryCoolantConnectors", "SecondaryCoolantConnectors"] as const;
const SINGLES = ["EnvironmentMetrics"] as const;
/** Upper bound on GETs per fetch, so a misbehaving BMC cannot make a scrape unbounded. */
const MAX_GETS = 32;

/**
 * Redfish cooling unit (CDU). `url` names the CoolingUnit resource (e.g.
 * `https://bmc/redfish/v1/ThermalEquipment/CDUs/1`; credentials may be given in the URL).
 * One fetch GETs the unit, its coolant connector collections and their members, and its
 * EnvironmentMetrics, all within the one timeout, and returns them as a JSON bundle
 * (`{"resources":[…]}`) so a capture replays without the BMC. Any failed GET fails the
 * fetch: a partial bundle would silently drop readings.
 */
export function createRedfishCduSource(config: SourceConfig): Source {
  checkCommon(config);
  const url = requireUrl(config);
  const timeout = timeoutMs(config);
  return {
    config,
    fetch: (signal) => crawl(config.name, url, timeout, signal),
    parse: (body, timeMs) => parseRedfishBundle(body, config.name, timeMs),
  };
}

type Got = { doc: Json } | { fail: FetchResult };

async function crawl(
  source: string,
  rootUrl: string,
  timeout: number,
  signal: AbortSignal,
): Promise<FetchResult> {
  const deadline = Date.now() + timeout;
  const resources: Json[] = [];
  let gets = 0;
  const get = async (path: string): Promise<Got> => {
    gets++;
    const url = new URL(path, rootUrl).toString();
    const r = await httpGet({
      source,
      url,
      timeoutMs: Math.max(1, deadline - Date.now()),
      signal,
      accept: "application/json",
    });
    if (!r.ok) return { fail: r };
    const doc = parseObject(r.body);
    if (doc !== undefined) return { doc };
    const error = new SourceFormatError(`answer from ${url} is not a JSON object`, { source, url });
    return { fail: { ok: false, retryable: false, error, timeMs: r.timeMs } };
  };
  const root = await get(rootUrl);
  if ("fail" in root) return root.fail;
  resources.push(root.doc);
  for (const name of [...COLLECTIONS, ...SINGLES]) {
    const id = odataId(root.doc[name]);
    if (id === undefined) continue;
    const linked = await get(id);
    if ("fail" in linked) return linked.fail;
    if (!(COLLECTIONS as readonly string[]).includes(name)) {
      resources.push(linked.doc);
      continue;
    }
    const members = Array.isArray(linked.doc.Members) ? linked.doc.Members : [];
    for (const m of members) {
      const memberId = odataId(m);
      if (memberId === undefined || gets >= MAX_GETS) continue;
      const member = await get(memberId);
      if ("fail" in member) return member.fail;
      resources.push(member.doc);
    }
  }
  return { ok: true, body: JSON.stringify({ resources }), timeMs: Date.now() };
}

function parseObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function odataId(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const id = (v as Json)["@odata.id"];
  return typeof id === "string" ? id : undefined;
}
