import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as duckdb from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROW_GROUP_ROWS, writeParquet } from "../../../collector/store/duckdb/parquet-file.js";

let dir: string;
let instance: duckdb.DuckDBInstance;
let c: duckdb.DuckDBConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tw-parquet-"));
  instance = await duckdb.DuckDBInstance.create(":memory:");
  c = await instance.connect();
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe("parquet file", () => {
  it("DuckDB reads every value back, across row groups, with the declared types", async () => {
    const n = 2 * ROW_GROUP_ROWS + 1234;
    const d = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -i / 3 : i * 1e-9 + 1e15));
    d[5] = Number.NaN;
    d[6] = Number.POSITIVE_INFINITY;
    d[8] = -0;
    const k = Int32Array.from({ length: n }, (_, i) => (i % 2 ? -i : i) | 0);
    k[3] = 2 ** 31 - 1;
    k[4] = -(2 ** 31);
    const path = join(dir, "values.parquet");
    writeParquet(
      path,
      [
        { name: "a double", type: "DOUBLE", values: d },
        { name: "k", type: "INT32", values: k },
      ],
      n,
    );
    const meta = (
      await c.runAndReadAll(
        `SELECT count(*) FROM parquet_metadata('${path}') GROUP BY row_group_id ORDER BY row_group_id`,
      )
    ).getRowsJS();
    expect(meta.length).toBe(3);
    const types = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`))
      .getRowsJS()
      .map((r) => [r[0], r[1]]);
    expect(types).toEqual([
      ["a double", "DOUBLE"],
      ["k", "INTEGER"],
    ]);
    const rows = (await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRowsJS();
    expect(rows.length).toBe(n);
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      // Object.is: NaN equals NaN, -0 differs from 0.
      if (!Object.is(rows[i][0], d[i]) || rows[i][1] !== k[i]) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });

  it("writes a prefix of longer columns, and subarrays from their offset", async () => {
    const base = Float64Array.from({ length: 100 }, (_, i) => i);
    const path = join(dir, "prefix.parquet");
    writeParquet(path, [{ name: "v", type: "DOUBLE", values: base.subarray(10) }], 5);
    const rows = (await c.runAndReadAll(`SELECT v FROM read_parquet('${path}')`)).getRowsJS();
    expect(rows.map((r) => r[0])).toEqual([10, 11, 12, 13, 14]);
  });

  it("names the column that is too short, and refuses duplicate names", () => {
    const path = join(dir, "bad.parquet");
    expect(() =>
      writeParquet(path, [{ name: "short", type: "DOUBLE", values: new Float64Array(2) }], 3),
    ).toThrow(/column short has 2 values, 3 needed/);
    const v = new Float64Array(1);
    expect(() =>
      writeParquet(
        path,
        [
          { name: "x", type: "DOUBLE", values: v },
          { name: "x", type: "DOUBLE", values: v },
        ],
        1,
      ),
    ).toThrow(/distinct names/);
  });
});
