/**
 * Bulk path into DuckDB: columnar JS arrays → data chunks (≤ 2048 rows, DuckDB's vector
 * size) → one appender. Numbers are copied as whole Float64 buffers; strings go one call
 * each. Row-by-row INSERTs would cost a statement per line.
 */
import type { DuckDBConnection, DuckDBType } from "@duckdb/node-api";
import type { DuckDbModule } from "./driver.js";
import type { ColumnSpec } from "./schema.js";

const CHUNK_ROWS = 2048;

/** Column values in append order; TIMESTAMP columns as epoch seconds (staged as DOUBLE). */
export type ColumnValues = (string | number)[];

export async function appendColumns(
  duckdb: DuckDbModule,
  connection: DuckDBConnection,
  table: string,
  columns: readonly ColumnSpec[],
  values: readonly ColumnValues[],
  rowCount: number,
): Promise<void> {
  if (rowCount === 0) return;
  const types: DuckDBType[] = [
    duckdb.INTEGER,
    ...columns.map((c) => (c.type === "VARCHAR" ? duckdb.VARCHAR : duckdb.DOUBLE)),
  ];
  const appender = await connection.createAppender(table, null, "temp");
  try {
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rowCount - start);
      const chunk = duckdb.DuckDBDataChunk.create(types, n);
      const ord = new Array<number>(n);
      for (let i = 0; i < n; i++) ord[i] = start + i;
      chunk.setColumnValues(0, ord);
      for (let c = 0; c < columns.length; c++) {
        chunk.setColumnValues(c + 1, values[c].slice(start, start + n));
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
