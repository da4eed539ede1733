/**
 * Checks for rules the model states in prose only (Type "Dynamic", empty requirement) that a
 * file alone can decide: date/time text, numeric text, unit format, key-value format, column
 * naming and order, empty-string placeholders, period bounds, products of unit price and
 * quantity, SkuPriceDetails keys. Every other dynamic rule needs data outside the file
 * (invoices, price lists, history) and is reported not applicable with that reason.
 */
import { sqlIdent } from "../../../store/duckdb/driver.js";
import { checkKeyValue } from "./key-value.js";
import { DATETIME_TEXT, NUMERIC_TEXT, PRODUCT_TOLERANCE } from "./predicates.js";
import { countWhere, distinctText, type FocusTable, isNumericType, isTextType } from "./table.js";
import { checkUnit } from "./units.js";

export interface NativeContext {
  table: FocusTable;
  /** Column sets the model names: by FormatDateTime, FormatNumeric, FormatKeyValue, FormatUnit, ColumnPresent. */
  dateTime: string[];
  numeric: string[];
  keyValue: string[];
  unit: string[];
  focus: Set<string>;
}

export type NativeOutcome = { violations: number; message: string } | { na: string };
type NativeCheck = (ctx: NativeContext) => Promise<NativeOutcome>;

/** FOCUS-defined SkuPriceDetails keys (columns-1.2.json `definedProperties`). */
const SKU_PRICE_PROPERTIES = new Set(
  (
    "CoreCount DiskMaxIops DiskSpace DiskType GpuCount InstanceType InstanceSeries MemorySize " +
    "NetworkMaxIops NetworkMaxThroughput OperatingSystem Redundancy StorageClass"
  ).split(" "),
);

function present(ctx: NativeContext, names: string[]): string[] {
  return names.filter((n) => ctx.table.columns.has(n));
}

/** Sums violations of a per-column predicate (the predicate holds on a bad row). */
async function perColumn(
  ctx: NativeContext,
  names: string[],
  bad: (id: string, type: string) => string | undefined,
  what: string,
): Promise<NativeOutcome> {
  const cols = present(ctx, names);
  if (cols.length === 0) return { na: "none of the columns is present" };
  const failing: string[] = [];
  let violations = 0;
  for (const name of cols) {
    const predicate = bad(sqlIdent(name), ctx.table.columns.get(name)!);
    if (predicate === undefined) continue;
    const n = await countWhere(ctx.table, predicate);
    if (n > 0) failing.push(`${name} (${n})`);
    violations += n;
  }
  return {
    violations,
    message: failing.length ? `${what}: ${failing.join(", ")}` : `${what}: none`,
  };
}

const dateTimeText: NativeCheck = (ctx) =>
  perColumn(
    ctx,
    ctx.dateTime,
    (id, type) => {
      if (type === "TIMESTAMP WITH TIME ZONE") return undefined;
      if (!isTextType(type)) return `${id} IS NOT NULL`;
      return `${id} IS NOT NULL AND NOT regexp_full_match(${id}, '${DATETIME_TEXT}')`;
    },
    "date/times not YYYY-MM-DDTHH:mm:ssZ UTC",
  );

const numericText: NativeCheck = (ctx) =>
  perColumn(
    ctx,
    [
      ...ctx.numeric,
      ...[...ctx.table.columns.keys()].filter(
        (c) => c.startsWith("x_") && isNumericType(ctx.table.columns.get(c)!),
      ),
    ],
    (id, type) =>
      isNumericType(type)
        ? undefined
        : `${id} IS NOT NULL AND NOT regexp_full_match(CAST(${id} AS VARCHAR), '${NUMERIC_TEXT}')`,
    "numbers not in FOCUS Numeric Format",
  );

async function distinctVerdicts<T>(
  ctx: NativeContext,
  names: string[],
  judge: (value: string) => T,
  bad: (v: T) => boolean,
  what: string,
): Promise<NativeOutcome> {
  const cols = present(ctx, names);
  if (cols.length === 0) return { na: "none of the columns is present" };
  const failing: string[] = [];
  for (const name of cols) {
    for (const value of await distinctText(ctx.table, name)) {
      if (bad(judge(value))) failing.push(`${name}=${JSON.stringify(value).slice(0, 80)}`);
    }
  }
  return {
    violations: failing.length,
    message: failing.length ? `${what}: ${failing.slice(0, 5).join("; ")}` : `${what}: none`,
  };
}

const unit =
  (facet: "form" | "casing" | "recommended"): NativeCheck =>
  (ctx) =>
    distinctVerdicts(ctx, ctx.unit, checkUnit, (v) => !v[facet], `units failing ${facet}`);

const keyValue =
  (facet: "object" | "uniqueKeys" | "scalarValues"): NativeCheck =>
  (ctx) =>
    distinctVerdicts(
      ctx,
      ctx.keyValue,
      checkKeyValue,
      (v) => !v[facet],
      `key-value values failing ${facet}`,
    );

function columnNames(
  ctx: NativeContext,
  test: (name: string) => boolean,
  what: string,
): Promise<NativeOutcome> {
  const bad = [...ctx.table.columns.keys()].filter((c) => !test(c));
  return Promise.resolve({
    violations: bad.length,
    message: bad.length ? `${what}: ${bad.join(", ")}` : `${what}: none`,
  });
}

const custom = (c: string) => !c.startsWith("x_");
const pascal = (s: string) => /^[A-Z][A-Za-z0-9]*$/.test(s);

const columnOrder: NativeCheck = (ctx) => {
  const names = [...ctx.table.columns.keys()];
  const firstCustom = names.findIndex((c) => !ctx.focus.has(c));
  const late = firstCustom < 0 ? [] : names.slice(firstCustom).filter((c) => ctx.focus.has(c));
  return Promise.resolve({
    violations: late.length,
    message: late.length
      ? `FOCUS columns after custom ones: ${late.join(", ")}`
      : "FOCUS columns first",
  });
};

const placeholders: NativeCheck = (ctx) =>
  perColumn(
    ctx,
    [...ctx.focus],
    (id, type) =>
      isTextType(type)
        ? `${id} IS NOT NULL AND (trim(${id}) = '' OR lower(trim(${id})) IN ('null', 'n/a', 'not applicable', 'none'))`
        : undefined,
    "empty or placeholder strings",
  );

function rowRule(
  columns: string[],
  bad: (c: Record<string, string>) => string,
  what: string,
): NativeCheck {
  return async (ctx) => {
    const missing = columns.filter((c) => !ctx.table.columns.has(c));
    if (missing.length) return { na: `column absent: ${missing.join(", ")}` };
    const ids = Object.fromEntries(columns.map((c) => [c, sqlIdent(c)]));
    const n = await countWhere(ctx.table, bad(ids));
    return { violations: n, message: `${what}: ${n} rows` };
  };
}

const num = (id: string) => `TRY_CAST(${id} AS DOUBLE)`;
const ts = (id: string) => `TRY_CAST(${id} AS TIMESTAMPTZ)`;
const product = (price: string, cost: string) =>
  rowRule(
    [price, "PricingQuantity", cost],
    (c) => {
      const p = `${num(c[price])} * ${num(c.PricingQuantity)}`;
      return `${c[price]} IS NOT NULL AND ${c.PricingQuantity} IS NOT NULL AND NOT coalesce(abs(${p} - ${num(c[cost])}) <= ${PRODUCT_TOLERANCE} * greatest(abs(${p}), abs(${num(c[cost])})), FALSE)`;
    },
    `${cost} ≠ ${price} × PricingQuantity`,
  );

const skuPriceKeys: NativeCheck = (ctx) =>
  distinctVerdicts(
    ctx,
    ["SkuPriceDetails"],
    (text) => {
      try {
        const o = JSON.parse(text) as Record<string, unknown>;
        return Object.keys(o).every((k) => k.startsWith("x_") || SKU_PRICE_PROPERTIES.has(k));
      } catch {
        return false;
      }
    },
    (ok) => !ok,
    "SkuPriceDetails keys neither FOCUS-defined nor x_",
  );

export const NATIVE_CHECKS: Record<string, NativeCheck> = {
  "DateTimeFormat-A-001-M": dateTimeText,
  "DateTimeFormat-A-002-M": dateTimeText,
  "DateTimeFormat-A-004-M": dateTimeText,
  "DateTimeFormat-A-005-M": dateTimeText,
  "DateTimeFormat-A-006-M": dateTimeText,
  "NumericFormat-A-002-M": numericText,
  "NumericFormat-A-003-M": numericText,
  "NumericFormat-A-004-M": numericText,
  "NumericFormat-A-005-M": numericText,
  "NumericFormat-A-006-M": numericText,
  "NumericFormat-A-007-M": numericText,
  "NumericFormat-A-008-M": numericText,
  "NumericFormat-A-009-M": numericText,
  "NumericFormat-A-010-M": numericText,
  "NumericFormat-A-011-M": numericText,
  "UnitFormat-A-001-M": unit("form"),
  "UnitFormat-A-003-M": unit("casing"),
  "UnitFormat-A-004-C": unit("recommended"),
  "KeyValueFormat-A-001-M": keyValue("object"),
  "KeyValueFormat-A-002-M": keyValue("uniqueKeys"),
  "KeyValueFormat-A-003-M": keyValue("scalarValues"),
  "KeyValueFormat-A-004-M": keyValue("scalarValues"),
  "ColumnHandling-A-001-M": (ctx) =>
    columnNames(ctx, (c) => !custom(c) || pascal(c), "FOCUS-style column IDs not PascalCase"),
  "ColumnHandling-A-003-M": (ctx) =>
    columnNames(
      ctx,
      (c) => !custom(c) || /^[A-Za-z0-9]+$/.test(c),
      "column IDs with special characters",
    ),
  "ColumnHandling-A-005-O": (ctx) =>
    columnNames(ctx, (c) => c.length <= 50, "column IDs over 50 characters"),
  "ColumnHandling-A-010-M": (ctx) =>
    columnNames(
      ctx,
      (c) => ctx.focus.has(c) || c.startsWith("x_"),
      "custom columns without the x_ prefix",
    ),
  "ColumnHandling-A-011-O": (ctx) =>
    columnNames(
      ctx,
      (c) => custom(c) || pascal(c.slice(2)),
      "custom column IDs not x_ + PascalCase",
    ),
  "ColumnHandling-A-012-O": columnOrder,
  "ColumnHandling-A-013-O": columnOrder,
  "NullHandling-A-002-M": placeholders,
  "StringHandling-A-007-M": placeholders,
  "ChargePeriodEnd-C-004-M": rowRule(
    ["ChargePeriodStart", "ChargePeriodEnd"],
    (c) => `NOT coalesce(${ts(c.ChargePeriodEnd)} > ${ts(c.ChargePeriodStart)}, FALSE)`,
    "ChargePeriodEnd not after ChargePeriodStart",
  ),
  "BillingPeriodEnd-C-004-M": rowRule(
    ["BillingPeriodStart", "BillingPeriodEnd"],
    (c) => `NOT coalesce(${ts(c.BillingPeriodEnd)} > ${ts(c.BillingPeriodStart)}, FALSE)`,
    "BillingPeriodEnd not after BillingPeriodStart",
  ),
  "ChargePeriodStart-C-004-M": rowRule(
    ["ChargePeriodStart", "BillingPeriodStart", "BillingPeriodEnd"],
    (c) =>
      `NOT coalesce(${ts(c.ChargePeriodStart)} >= ${ts(c.BillingPeriodStart)} AND ${ts(c.ChargePeriodStart)} < ${ts(c.BillingPeriodEnd)}, FALSE)`,
    "ChargePeriodStart outside its billing period",
  ),
  "PricingQuantity-C-009-C": product("ContractedUnitPrice", "ContractedCost"),
  "ContractedCost-C-009-C": product("ContractedUnitPrice", "ContractedCost"),
  "ResourceName-C-006-C": rowRule(
    ["ResourceId", "ResourceName"],
    (c) => `${c.ResourceName} IS NOT NULL AND ${c.ResourceName} = ${c.ResourceId}`,
    "ResourceName duplicates ResourceId",
  ),
  "SkuPriceDetails-C-017-C": skuPriceKeys,
  "SkuPriceDetails-C-020-M": skuPriceKeys,
};
