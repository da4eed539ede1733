/**
 * SQL text helpers for ClickHouse 18.16 and later. Server-side query parameters
 * (`{name:Type}`) arrived in 19.x, so values are inlined as escaped literals; every literal
 * goes through `chString` or a validated number/time.
 */
import { StoreError } from "../errors.js";
import type { LineFilter } from "../types.js";

/** A ClickHouse string literal (backslash escapes, as the server parses them). */
export function chString(value: string): string {
  let out = "'";
  for (const ch of value) {
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\0") out += "\\0";
    else out += ch;
  }
  return `${out}'`;
}

/** `IN (...)` list of string literals; `('')` when empty so the SQL stays valid. */
export function chStringList(values: Iterable<string>): string {
  const items = [...new Set(values)].map(chString);
  return `(${items.length === 0 ? "''" : items.join(", ")})`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A database name usable unquoted (letters, digits, `_`). */
export function checkDatabaseName(name: string): string {
  if (!NAME.test(name)) {
    throw new StoreError(
      "TW_ERR_STORE_OPEN",
      `ClickHouse database name must match ${NAME.source}, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** Epoch seconds → a DateTime('UTC') expression. */
export function chTime(epochS: number): string {
  return `toDateTime(${Math.trunc(epochS)}, 'UTC')`;
}

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function filterTime(value: string, name: string): string {
  const ms = Date.parse(value);
  if (!UTC_SECONDS.test(value) || !Number.isFinite(ms)) {
    throw new StoreError(
      "TW_ERR_STORE_QUERY",
      `${name} must be YYYY-MM-DDTHH:mm:ssZ, got ${value}`,
    );
  }
  return chTime(ms / 1000);
}

/** Column expressions the filter constrains; rollups pass the hour for `time`. */
export interface FilterColumns {
  time: string;
  metro: string;
  tenant: string;
  priceVersion: string;
}

export const LINE_FILTER_COLUMNS: FilterColumns = {
  time: "ChargePeriodStart",
  metro: "RegionId",
  tenant: "SubAccountId",
  priceVersion: "x_PriceVersion",
};

/** Predicates for a filter (`to` exclusive), same semantics as the DuckDB store. */
export function filterPredicates(
  filter: LineFilter,
  columns: FilterColumns = LINE_FILTER_COLUMNS,
): string[] {
  const where: string[] = [];
  if (filter.from !== undefined)
    where.push(`${columns.time} >= ${filterTime(filter.from, "from")}`);
  if (filter.to !== undefined) where.push(`${columns.time} < ${filterTime(filter.to, "to")}`);
  if (filter.metro !== undefined) where.push(`${columns.metro} = ${chString(filter.metro)}`);
  if (filter.tenant !== undefined) where.push(`${columns.tenant} = ${chString(filter.tenant)}`);
  if (filter.priceVersion !== undefined)
    where.push(`${columns.priceVersion} = ${chString(filter.priceVersion)}`);
  return where;
}

export function whereSql(predicates: readonly string[]): string {
  return predicates.length === 0 ? "" : `WHERE ${predicates.join(" AND ")}`;
}
