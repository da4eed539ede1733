/**
 * FOCUS conformance check of an exported file (CSV or Parquet): every rule of the FOCUS 1.2
 * requirements model, evaluated with DuckDB (check/evaluate.ts), plus native checks for the
 * format rules the model states only in prose (check/native.ts). The result is a value:
 * per rule pass / fail / warn / not-applicable with a message.
 */
import { resolve } from "node:path";
import { openDuckDb } from "../../store/duckdb/driver.js";
import { ModelEvaluator, type RuleResult, type RuleStatus } from "./check/evaluate.js";
import { columnsCheckedBy, loadModel } from "./check/model.js";
import { loadTable } from "./check/table.js";

export type { RuleResult, RuleStatus } from "./check/evaluate.js";

/**
 * What tokenwatt claims as a provider, i.e. which conditional rules apply to its exports.
 * Not claimed: commitment discounts and capacity reservations (lane discounts are negotiated
 * rates, not commitments), several pricing categories, pricing ≠ billing currency, virtual
 * currency, several sub-account or billing-account types.
 */
export const TOKENWATT_CRITERIA: readonly string[] = [
  "ACCOUNT_NAMING_SUPPORTED",
  "AVAILABILITY_ZONE_SUPPORTED",
  "BILLING_BASED_ON_PROVISIONED_RESOURCES_SUPPORTED",
  "NEGOTIATED_PRICING_SUPPORTED",
  "PUBLIC_PRICE_LIST_SUPPORTED",
  "REGION_SUPPORTED",
  "RESOURCE_TYPE_ASSIGNMENT_SUPPORTED",
  "SUB_ACCOUNT_SUPPORTED",
  "TAGGING_SUPPORTED",
  "UNIT_PRICING_SUPPORTED",
  "USAGE_MEASUREMENT_SUPPORTED",
];

/** The shared FOCUS folder: `../shared/focus` next to the repository. */
export function defaultFocusDir(repoRoot: string): string {
  return resolve(repoRoot, "..", "shared", "focus");
}

export interface CheckOptions {
  /** requirements-model-1.2.json. */
  modelPath: string;
  /** Applicability criteria the provider claims (default TOKENWATT_CRITERIA). */
  criteria?: readonly string[];
}

export interface CheckReport {
  file: string;
  format: "csv" | "parquet";
  rows: number;
  /** No rule failed (warnings allowed). */
  ok: boolean;
  counts: Record<RuleStatus, number>;
  results: RuleResult[];
}

export type CheckOutcome = { ok: true; report: CheckReport } | { ok: false; error: Error };

export async function checkFocus(file: string, options: CheckOptions): Promise<CheckOutcome> {
  let handle: Awaited<ReturnType<typeof openDuckDb>> | undefined;
  try {
    const model = await loadModel(options.modelPath);
    handle = await openDuckDb(":memory:");
    const table = await loadTable(handle.connection, file);
    const presence = columnsCheckedBy(model, "ColumnPresent");
    const evaluator = new ModelEvaluator(
      model,
      table,
      new Set(options.criteria ?? TOKENWATT_CRITERIA),
      {
        table,
        dateTime: columnsCheckedBy(model, "FormatDateTime"),
        numeric: columnsCheckedBy(model, "FormatNumeric"),
        keyValue: columnsCheckedBy(model, "FormatKeyValue"),
        unit: columnsCheckedBy(model, "FormatUnit"),
        focus: new Set(presence),
      },
    );
    const results = await evaluator.run();
    const counts: Record<RuleStatus, number> = { pass: 0, fail: 0, warn: 0, "not-applicable": 0 };
    for (const r of results) counts[r.status]++;
    return {
      ok: true,
      report: {
        file,
        format: table.format,
        rows: table.rows,
        ok: counts.fail === 0,
        counts,
        results,
      },
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    handle?.connection.closeSync();
    handle?.instance.closeSync();
  }
}
