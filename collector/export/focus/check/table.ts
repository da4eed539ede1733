/**
 * The file under check, loaded into an in-memory DuckDB as table `focus`. CSV is read with
 * every column as text (format rules judge the text as written); an unquoted empty field is
 * null and a quoted `""` stays an empty string. Parquet keeps its physical types.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlIdent, sqlString } from "../../../store/duckdb/driver.js";

export interface FocusTable {
  connection: DuckDBConnection;
  format: "csv" | "parquet";
  /** Column name → DuckDB type, in file order. */
  columns: Map<string, string>;
  rows: number;
}

export async function loadTable(connection: DuckDBConnection, file: string): Promise<FocusTable> {
  const format = file.toLowerCase().endsWith(".parquet") ? "parquet" : "csv";
  const source =
    format === "csv"
      ? `read_csv(${sqlString(file)}, header = true, all_varchar = true, allow_quoted_nulls = false)`
      : `read_parquet(${sqlString(file)})`;
  await connection.run(`CREATE OR REPLACE TABLE focus AS SELECT * FROM ${source}`);
  const described = (await connection.runAndReadAll("DESCRIBE focus")).getRowObjectsJS();
  const columns = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  const rows = Number(
    (await connection.runAndReadAll("SELECT count(*) FROM focus")).getRowsJS()[0][0],
  );
  return { connection, format, columns, rows };
}

/** Rows of `focus` where `predicate` holds. */
export async function countWhere(table: FocusTable, predicate: string): Promise<number> {
  const r = await table.connection.runAndReadAll(`SELECT count(*) FROM focus WHERE ${predicate}`);
  return Number(r.getRowsJS()[0][0]);
}

/** Distinct non-null text values of a column (for checks done in TypeScript). */
export async function distinctText(
  table: FocusTable,
  column: string,
  where = "TRUE",
): Promise<string[]> {
  const id = sqlIdent(column);
  const r = await table.connection.runAndReadAll(
    `SELECT DISTINCT CAST(${id} AS VARCHAR) FROM focus WHERE ${id} IS NOT NULL AND (${where})`,
  );
  return r.getRowsJS().map((row) => String(row[0]));
}

export function isNumericType(type: string): boolean {
  return /^(DOUBLE|FLOAT|REAL|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)/.test(
    type,
  );
}

export function isTextType(type: string): boolean {
  return type === "VARCHAR" || type === "JSON";
}
