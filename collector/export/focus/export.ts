/**
 * FOCUS 1.2 export of stored usage lines: hourly rows written by DuckDB's `COPY … TO` as
 * CSV or Parquet. CSV carries date/times as `YYYY-MM-DDTHH:mm:ssZ` text and numbers in plain
 * positional notation; Parquet carries `TIMESTAMP WITH TIME ZONE` (UTC) and DOUBLE.
 * See docs/focus-export.md for the column mapping and the choices behind it.
 */

import { sqlIdent, sqlString } from "../../store/duckdb/driver.js";
import type { DuckDbStore } from "../../store/duckdb/store.js";
import type { AgentState, LineFilter } from "../../store/types.js";
import { NUMBER_TEXT_MACROS } from "./number-text.js";
import { type FocusConstants, focusRowsSql } from "./rows-sql.js";

export type FocusFormat = "csv" | "parquet";

export interface FocusExportOptions extends LineFilter {
  store: DuckDbStore;
  version: "1.2";
  format: FocusFormat;
  /** Output file path. */
  out: string;
  /** Collector config (`focus:` section); unset values fall back as documented on each. */
  constants?: Partial<FocusConstants>;
}

export type FocusExportResult =
  | { ok: true; rows: number; path: string; format: FocusFormat }
  | { ok: false; error: Error };

/** Provider: config, else the first agent's reported `site.provider`, else `tokenwatt`. */
export function resolveConstants(
  given: Partial<FocusConstants>,
  agents: readonly AgentState[],
): FocusConstants {
  const reported = agents.find((a) => a.site?.provider)?.site?.provider;
  const providerName = given.providerName ?? reported ?? "tokenwatt";
  const regionNames: Record<string, string> = {};
  for (const a of agents) {
    if (a.site?.regionName) regionNames[a.site.metro] = a.site.regionName;
  }
  return {
    providerName,
    billingAccountId: given.billingAccountId ?? providerName,
    billingAccountName: given.billingAccountName ?? providerName,
    invoiceIssuerName: given.invoiceIssuerName ?? providerName,
    serviceName: given.serviceName ?? "AI Inference",
    regionNames: { ...regionNames, ...given.regionNames },
  };
}

const UTC_TEXT = "'%Y-%m-%dT%H:%M:%SZ'";

/** Wraps the typed rows so each column is written in the file type's FOCUS form. */
function formatted(inner: string, columns: { name: string; type: string }[], format: FocusFormat) {
  const select = columns.map(({ name, type }) => {
    const id = sqlIdent(name);
    if (type === "TIMESTAMP") {
      return format === "csv"
        ? `strftime(${id}, ${UTC_TEXT}) AS ${id}`
        : `timezone('UTC', ${id}) AS ${id}`;
    }
    if (type === "DOUBLE" && format === "csv") return `tw_num(${id}) AS ${id}`;
    return id;
  });
  return `SELECT ${select.join(", ")} FROM (${inner})`;
}

export async function exportFocus(options: FocusExportOptions): Promise<FocusExportResult> {
  try {
    const agents = await options.store.agents();
    const constants = resolveConstants(options.constants ?? {}, agents);
    const inner = focusRowsSql(options, constants);
    const rows = await options.store.withConnection(
      async (c) => {
        const columns = (await c.runAndReadAll(`DESCRIBE ${inner}`))
          .getRowObjectsJS()
          .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
        if (options.format === "csv") for (const m of NUMBER_TEXT_MACROS) await c.run(m);
        const copyOptions =
          options.format === "csv"
            ? "FORMAT csv, HEADER true, DELIMITER ','"
            : "FORMAT parquet, COMPRESSION zstd";
        const result = await c.run(
          `COPY (${formatted(inner, columns, options.format)}) TO ${sqlString(options.out)} (${copyOptions})`,
        );
        return result.rowsChanged;
      },
      { readOnly: true },
    );
    return { ok: true, rows, path: options.out, format: options.format };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
