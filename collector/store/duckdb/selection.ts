/**
 * Which stored lines a query or export sees. Lines of one GPU-window may exist under
 * several price versions (re-pricing adds a version, never overwrites). With a
 * `priceVersion` filter only that version is read. Without one, "latest" is chosen per
 * GPU-window (agent, window start, GPU): all of its lines come from the newest registered
 * version that has lines for it (price_versions.created, then name), unregistered versions
 * (the agents' own) ranking below registered ones and among themselves by name. Choosing per
 * GPU-window rather than per line key matters when a re-pricing changes attribution (idle
 * `separate` vs `spread` makes different line keys): a GPU-window is never counted twice
 * nor half re-priced. docs/query-api.md states the rule for users.
 */
import { StoreError } from "../errors.js";
import type { LineFilter } from "../types.js";
import { sqlString } from "./driver.js";

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function timeLiteral(value: string, name: string): string {
  if (!UTC_SECONDS.test(value) || !Number.isFinite(Date.parse(value))) {
    throw new StoreError(
      "TW_ERR_STORE_QUERY",
      `${name} must be YYYY-MM-DDTHH:mm:ssZ, got ${value}`,
    );
  }
  return `CAST(${sqlString(value.slice(0, -1).replace("T", " "))} AS TIMESTAMP)`;
}

/** SQL predicates on usage_lines (alias-free) for a filter. */
export function filterPredicates(filter: LineFilter): string[] {
  const where: string[] = [];
  if (filter.from !== undefined)
    where.push(`"ChargePeriodStart" >= ${timeLiteral(filter.from, "from")}`);
  if (filter.to !== undefined) where.push(`"ChargePeriodStart" < ${timeLiteral(filter.to, "to")}`);
  if (filter.metro !== undefined) where.push(`"RegionId" = ${sqlString(filter.metro)}`);
  if (filter.tenant !== undefined) where.push(`"SubAccountId" = ${sqlString(filter.tenant)}`);
  if (filter.priceVersion !== undefined)
    where.push(`"x_PriceVersion" = ${sqlString(filter.priceVersion)}`);
  return where;
}

/** A SELECT of the usage_lines columns the filter admits, one version per natural key. */
export function currentLinesSql(filter: LineFilter): string {
  const where = filterPredicates(filter);
  const whereSql = where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`;
  if (filter.priceVersion !== undefined) return `SELECT * FROM usage_lines ${whereSql}`;
  return `SELECT l.* EXCLUDE (pv_created) FROM (
  SELECT u.*, p.created AS pv_created FROM usage_lines u
  LEFT JOIN price_versions p ON p.version = u."x_PriceVersion" ${whereSql}
) l
QUALIFY "x_PriceVersion" = first_value("x_PriceVersion") OVER (
  PARTITION BY "x_AgentId", "ChargePeriodStart", "ResourceId"
  ORDER BY pv_created DESC NULLS LAST, "x_PriceVersion" DESC)`;
}
