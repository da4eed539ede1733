import * as duckdb from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendColumns, type Column } from "../../../collector/store/duckdb/chunk-writer.js";
import { loadBindings } from "../../../collector/store/duckdb/driver.js";

let instance: duckdb.DuckDBInstance;
let c: duckdb.DuckDBConnection;
beforeAll(async () => {
  instance = await duckdb.DuckDBInstance.create(":memory:");
  c = await instance.connect();
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
});

describe("chunk writer", () => {
  it("round-trips strings of every storage form, numbers and timestamps across chunks", async () => {
    const samples = [
      "",
      "twelve bytes",
      "thirteen byte",
      "éééééé",
      "éééééé!",
      "日本語テキスト",
      "GPU-00000000-0000-4e3a-9c1d-0123456789ab",
    ];
    const n = 5000;
    // Mostly repeated values plus a distinct long string per row, over three chunks.
    const s1 = Array.from({ length: n }, (_, i) => samples[i % samples.length]);
    const s2 = Array.from({ length: n }, (_, i) => `distinct long value number ${i}`);
    const num = Float64Array.from({ length: n }, (_, i) => i * 0.1 - 7);
    const big = Float64Array.from({ length: n }, (_, i) => (i - 2500) * 2 ** 40 + i);
    const ts = Float64Array.from({ length: n }, (_, i) => (i - 100) * 60e6);
    await c.run("CREATE TABLE t (s1 VARCHAR, s2 VARCHAR, num DOUBLE, big BIGINT, ts TIMESTAMP)");
    const appender = await c.createAppender("t");
    const columns: Column[] = [
      { type: "VARCHAR", values: s1 },
      { type: "VARCHAR", values: s2 },
      { type: "DOUBLE", values: num },
      { type: "BIGINT", values: big },
      { type: "TIMESTAMP", values: ts },
    ];
    appendColumns({ duckdb, bindings: loadBindings() }, appender, columns, n);
    appender.flushSync();
    appender.closeSync();
    const rows = (
      await c.runAndReadAll("SELECT s1, s2, num, CAST(big AS DOUBLE), epoch_us(ts) FROM t")
    ).getRowsJS();
    expect(rows.length).toBe(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      expect([r[0], r[1], r[2], r[3], Number(r[4])]).toEqual([s1[i], s2[i], num[i], big[i], ts[i]]);
    }
  });
});
