/**
 * The label tuples of one split table (schema.ts) and their ids, held in memory: tuples grow
 * with the fleet (GPUs × workloads × tenants × price versions), not with time, so even a
 * large metro keeps a few hundred thousand. `resolve` maps rows to ids, assigning new ids to
 * unseen tuples; new tuples are `pending` until the transaction that stores them commits
 * (`commit`), and forgotten on `rollback`, so memory never holds an id the file lacks.
 *
 * Projections give each tuple the id of a sub-tuple (e.g. agent × GPU), so per-row work
 * downstream (dedupe keys, high-water marks, rollup cells) runs on integers, not strings.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlIdent } from "./driver.js";
import { TupleKeys } from "./label-tuples.js";
import type { SplitTable } from "./schema.js";

class Projection {
  private readonly ids = new Map<string, number>();
  /** Tuple id → projection id. */
  readonly of: number[] = [];
  /** Projection id → its labels. */
  readonly values: string[][] = [];

  constructor(readonly columns: readonly number[]) {}

  assign(tupleId: number, tuple: readonly string[]): void {
    const labels = this.columns.map((c) => tuple[c]);
    const key = labels.join("\0");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(key, id);
      this.values.push(labels);
    }
    this.of[tupleId] = id;
  }
}

/** Interns label text so equal labels of many tuples share one string. */
const interned = new Map<string, string>();
function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size > 1_000_000) interned.clear();
  interned.set(s, s);
  return s;
}

/** One tuple as label columns of one row. */
const columnsOf = (tuple: readonly string[]) => tuple.map((label) => [label]);

export class DimTable {
  private readonly keys: TupleKeys;
  /** A tuple's key → the tuple's id. */
  private readonly ids = new Map<string, number>();
  private readonly tuples: (string[] | undefined)[] = [];
  private nextId = 0;
  /** Ids from here on are not yet committed. */
  private committed = 0;
  private pendingIds: number[] = [];
  readonly projections: Projection[];

  constructor(
    readonly table: SplitTable,
    projections: readonly (readonly string[])[] = [],
  ) {
    this.keys = new TupleKeys(table.labels.length);
    this.projections = projections.map(
      (names) =>
        new Projection(
          names.map((n) => {
            const i = table.labels.indexOf(n);
            if (i < 0) throw new Error(`${n} is not a label of ${table.dims}`);
            return i;
          }),
        ),
    );
  }

  /** Reads every stored tuple (call once per open, or after an outside write). */
  async load(c: DuckDBConnection): Promise<void> {
    const t = this.table;
    const result = await c.runAndReadAll(
      `SELECT ${t.id}, ${t.labels.map(sqlIdent).join(", ")} FROM ${t.dims}`,
    );
    for (const row of result.getRowsJS()) {
      const id = Number(row[0]);
      const tuple = row.slice(1).map((v) => intern(String(v)));
      this.add(this.keys.key(columnsOf(tuple), 0), id, tuple);
      if (id >= this.nextId) this.nextId = id + 1;
    }
    this.committed = this.nextId;
  }

  private add(key: string, id: number, tuple: string[]): void {
    this.ids.set(key, id);
    this.tuples[id] = tuple;
    for (const p of this.projections) p.assign(id, tuple);
  }

  /** The id of each row's tuple; `columns` are the label columns in label order. */
  resolve(columns: readonly (readonly string[])[], n: number): Int32Array {
    const out = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const key = this.keys.key(columns, r);
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.nextId++;
        this.add(
          key,
          id,
          columns.map((col) => intern(col[r])),
        );
        this.pendingIds.push(id);
      }
      out[r] = id;
    }
    return out;
  }

  /** Projection `p`'s id of tuple `id`. */
  project(p: number, id: number): number {
    return this.projections[p].of[id];
  }

  /** Tuples assigned since the last commit, as the dims table's columns (for its appender). */
  pending(): { ids: Int32Array; labels: string[][] } {
    const labels = this.table.labels.map((_, c) =>
      this.pendingIds.map((id) => (this.tuples[id] as string[])[c]),
    );
    return { ids: Int32Array.from(this.pendingIds), labels };
  }

  /** The pending tuples are stored. */
  commit(): void {
    this.pendingIds = [];
    this.committed = this.nextId;
  }

  /** The transaction that would store the pending tuples failed: forget them. */
  rollback(): void {
    for (const id of this.pendingIds) {
      const tuple = this.tuples[id] as string[];
      this.ids.delete(this.keys.key(columnsOf(tuple), 0));
      this.tuples[id] = undefined;
    }
    this.pendingIds = [];
    this.nextId = this.committed;
  }
}
