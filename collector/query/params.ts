/**
 * Query parameters → a store filter, checked: times `YYYY-MM-DDTHH:mm:ssZ` (`to` exclusive,
 * after `from`), lane one of the lanes, `by` a comma list of the figure's groupable
 * dimensions. Any problem is a 400 naming the parameter; unknown parameters are refused so
 * a typo never silently widens a query. Then the caller's scope is applied: a tenant
 * credential's tenant filter is forced, and asking for another tenant is a 403.
 */
import { LANES } from "../../kernel/src/usage-line.js";
import type { QueryDimension, QueryFilter } from "../store/types.js";
import type { Principal } from "./auth.js";

export const FILTER_PARAMS = [
  "from",
  "to",
  "metro",
  "lane",
  "tenant",
  "model",
  "price_version",
] as const;

export interface QueryParams {
  filter: QueryFilter;
  by: QueryDimension[];
}

export type QueryFailure = {
  ok: false;
  status: 400 | 403 | 404 | 500;
  code: string;
  message: string;
  parameter?: string;
};

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function bad(parameter: string, message: string): QueryFailure {
  return {
    ok: false,
    status: 400,
    code: "TW_ERR_QUERY_PARAM",
    parameter,
    message: `${parameter}: ${message}`,
  };
}

/** `groupable`: dimensions `by` may name for this figure (none: `by` is refused). */
export function parseParams(
  raw: Readonly<Record<string, string | undefined>>,
  groupable: readonly QueryDimension[],
): { ok: true; params: QueryParams } | QueryFailure {
  for (const k of Object.keys(raw)) {
    if (!(FILTER_PARAMS as readonly string[]).includes(k) && k !== "by") {
      return bad(k, `unknown parameter; known: ${[...FILTER_PARAMS, "by"].join(", ")}`);
    }
  }
  const filter: QueryFilter = {};
  for (const k of ["from", "to"] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (!UTC_SECONDS.test(v) || !Number.isFinite(Date.parse(v))) {
      return bad(k, `expected YYYY-MM-DDTHH:mm:ssZ, got "${v}"`);
    }
    filter[k] = v;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    return bad("to", "must be later than from");
  }
  for (const [k, field] of [
    ["metro", "metro"],
    ["tenant", "tenant"],
    ["model", "model"],
    ["price_version", "priceVersion"],
  ] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (v === "" || v.length > 512) return bad(k, "must be 1 to 512 characters");
    filter[field] = v;
  }
  const lane = raw.lane;
  if (lane !== undefined) {
    if (!(LANES as readonly string[]).includes(lane))
      return bad("lane", `expected one of ${LANES.join(", ")}, got "${lane}"`);
    filter.lane = lane;
  }
  const by: QueryDimension[] = [];
  if (raw.by !== undefined && raw.by !== "") {
    for (const d of raw.by.split(",")) {
      if (!(groupable as readonly string[]).includes(d)) {
        return bad(
          "by",
          groupable.length === 0
            ? "this figure takes no by"
            : `"${d}" is not one of ${groupable.join(", ")}`,
        );
      }
      if (!by.includes(d as QueryDimension)) by.push(d as QueryDimension);
    }
  }
  return { ok: true, params: { filter, by } };
}

/** The filter a principal may run: a tenant credential is pinned to its tenant. */
export function scopeFilter(
  filter: QueryFilter,
  principal: Principal,
): { ok: true; filter: QueryFilter } | QueryFailure {
  if (principal.kind === "operator") return { ok: true, filter };
  if (filter.tenant !== undefined && filter.tenant !== principal.tenant) {
    return {
      ok: false,
      status: 403,
      code: "TW_ERR_QUERY_FORBIDDEN",
      parameter: "tenant",
      message: `this credential may only query tenant "${principal.tenant}"`,
    };
  }
  return { ok: true, filter: { ...filter, tenant: principal.tenant } };
}
