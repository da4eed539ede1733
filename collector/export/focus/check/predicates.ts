/**
 * Row-level check functions compiled to SQL predicates that hold where a row satisfies the
 * check. Nulls follow the spec's reading, not SQL's: "X is not V" holds for a null X, and a
 * comparison with a null operand is not a violation of a value rule (nullability has its own
 * rules). In conditions an absent column reads as all-null (FOCUS: an absent conditional
 * column carries no values); in requirements it makes the check not applicable.
 */
import { sqlIdent, sqlString } from "../../../store/duckdb/driver.js";
import { ISO_4217 } from "./currencies.js";
import type { CheckNode } from "./model.js";
import { type FocusTable, isNumericType, isTextType } from "./table.js";

export const ROW_FUNCTIONS = new Set([
  "AND",
  "OR",
  "CheckValue",
  "CheckNotValue",
  "CheckSameValue",
  "CheckNotSameValue",
  "CheckGreaterOrEqualThanValue",
  "ColumnByColumnEqualsColumnValue",
  "CheckDecimalValue",
  "TypeDecimal",
  "TypeString",
  "TypeDateTime",
  "FormatNumeric",
  "FormatString",
  "FormatDateTime",
  "FormatCurrency",
  "CheckNationalCurrency",
]);

/** FOCUS Numeric Format as text: integer, decimal or E notation; no `+`, commas or units. */
export const NUMERIC_TEXT = String.raw`-?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE]-?[0-9]+)?`;
export const DATETIME_TEXT = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z";

/** Relative tolerance of ColumnByColumnEqualsColumnValue (float64 products). */
export const PRODUCT_TOLERANCE = 1e-9;

export type Compiled = { sql: string } | { absent: string };

export class Compiler {
  constructor(
    private readonly table: FocusTable,
    private readonly virtualCurrency: boolean,
  ) {}

  /** True when `node` (and all its items) is row-level. */
  isRowLevel(node: CheckNode): boolean {
    if (!ROW_FUNCTIONS.has(node.CheckFunction ?? "")) return false;
    return (node.Items ?? []).every((i) => this.isRowLevel(i));
  }

  compile(node: CheckNode, mode: "requirement" | "condition"): Compiled {
    const fn = node.CheckFunction ?? "";
    if (fn === "AND" || fn === "OR") {
      const parts: string[] = [];
      for (const item of node.Items ?? []) {
        const c = this.compile(item, mode);
        if ("absent" in c) return c;
        parts.push(`(${c.sql})`);
      }
      if (parts.length === 0) return { sql: "TRUE" };
      return { sql: parts.join(fn === "AND" ? " AND " : " OR ") };
    }
    const names = [
      node.ColumnName ?? node.CheckCondition,
      node.ColumnAName,
      node.ColumnBName,
      node.ResultColumnName,
    ];
    for (const n of names) {
      if (n !== undefined && !this.table.columns.has(n) && mode === "requirement")
        return { absent: n };
    }
    return { sql: this.leaf(fn, node) };
  }

  private col(name: string | undefined): string {
    if (name === undefined) throw new Error("check node without a column");
    return this.table.columns.has(name) ? sqlIdent(name) : "NULL";
  }

  private text(name: string | undefined): string {
    return `CAST(${this.col(name)} AS VARCHAR)`;
  }

  private num(name: string | undefined): string {
    const type = name === undefined ? undefined : this.table.columns.get(name);
    return type !== undefined && isNumericType(type)
      ? `CAST(${sqlIdent(name!)} AS DOUBLE)`
      : `TRY_CAST(${this.col(name)} AS DOUBLE)`;
  }

  private type(name: string | undefined): string {
    return (name === undefined ? undefined : this.table.columns.get(name)) ?? "VARCHAR";
  }

  private leaf(fn: string, n: CheckNode): string {
    const name = n.ColumnName ?? n.CheckCondition ?? n.ColumnAName;
    const c = this.col(name);
    const v = n.Value;
    switch (fn) {
      case "CheckValue":
        if (v === null || v === undefined) return `${c} IS NULL`;
        return typeof v === "number"
          ? `coalesce(${this.num(name)} = ${v}, FALSE)`
          : `coalesce(${this.text(name)} = ${sqlString(String(v))}, FALSE)`;
      case "CheckNotValue":
        if (v === null || v === undefined) return `${c} IS NOT NULL`;
        return typeof v === "number"
          ? `coalesce(${this.num(name)} <> ${v}, TRUE)`
          : `coalesce(${this.text(name)} <> ${sqlString(String(v))}, TRUE)`;
      case "CheckSameValue":
        return `coalesce(${this.text(n.ColumnAName)} = ${this.text(n.ColumnBName)}, TRUE)`;
      case "CheckNotSameValue":
        return `coalesce(${this.text(n.ColumnAName)} <> ${this.text(n.ColumnBName)}, TRUE)`;
      case "CheckGreaterOrEqualThanValue":
        return `(${c} IS NULL OR coalesce(${this.num(name)} >= ${Number(v)}, FALSE))`;
      case "ColumnByColumnEqualsColumnValue": {
        const a = this.num(n.ColumnAName);
        const b = this.num(n.ColumnBName);
        const r = this.num(n.ResultColumnName);
        return `(${this.col(n.ColumnAName)} IS NULL OR ${this.col(n.ColumnBName)} IS NULL OR ${this.col(n.ResultColumnName)} IS NULL
  OR coalesce(abs(${a} * ${b} - ${r}) <= ${PRODUCT_TOLERANCE} * greatest(abs(${a} * ${b}), abs(${r})), FALSE))`;
      }
      case "CheckDecimalValue":
        return `(${c} IS NULL OR ${this.num(name)} IS NOT NULL)`;
      case "TypeDecimal":
        return isNumericType(this.type(name))
          ? "TRUE"
          : `(${c} IS NULL OR TRY_CAST(${c} AS DOUBLE) IS NOT NULL)`;
      case "TypeString":
        return this.table.format === "csv" || isTextType(this.type(name)) ? "TRUE" : `${c} IS NULL`;
      case "TypeDateTime":
        return this.type(name).startsWith("TIMESTAMP") || this.type(name) === "DATE"
          ? "TRUE"
          : `(${c} IS NULL OR TRY_CAST(${c} AS TIMESTAMPTZ) IS NOT NULL)`;
      case "FormatNumeric":
        return isNumericType(this.type(name))
          ? "TRUE"
          : `(${c} IS NULL OR regexp_full_match(${this.text(name)}, '${NUMERIC_TEXT}'))`;
      case "FormatString":
        // The loader rejects invalid UTF-8, so any text value is a valid Unicode string.
        return isTextType(this.type(name)) ? "TRUE" : `${c} IS NULL`;
      case "FormatDateTime":
        if (this.type(name) === "TIMESTAMP WITH TIME ZONE") return "TRUE";
        if (!isTextType(this.type(name))) return `${c} IS NULL`;
        return `(${c} IS NULL OR (regexp_full_match(${c}, '${DATETIME_TEXT}') AND try_strptime(${c}, '%Y-%m-%dT%H:%M:%SZ') IS NOT NULL))`;
      case "CheckNationalCurrency":
      case "FormatCurrency": {
        const iso = `${this.text(name)} IN (${[...ISO_4217].map((x) => `'${x}'`).join(",")})`;
        const virtual =
          fn === "FormatCurrency" && this.virtualCurrency
            ? ` OR length(trim(${this.text(name)})) > 0`
            : "";
        return `(${c} IS NULL OR ${iso}${virtual})`;
      }
      default:
        throw new Error(`not a row-level check function: ${fn}`);
    }
  }
}
