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

export class DimTable {
  private readonly ids = new Map<string, number>();
  /** Per label column, label → code (codes are never reused: they only grow). */
  private readonly labelCodes: Map<string, number>[];
  /** Packed label codes → tuple id: a cache of `ids` (rollback removes its entries too). */
  private readonly byCodes = new Map<string, number>();
  private readonly tuples: (string[] | undefined)[] = [];
  private nextId = 0;
  /** Ids from here on are not yet committed. */
  private committed = 0;
  private pendingIds: number[] = [];
  /** How many of pendingIds `takeUnwritten` has handed out. */
  private written = 0;
  readonly projections: Projection[];

  constructor(
    readonly table: SplitTable,
    projections: readonly (readonly string[])[] = [],
  ) {
    this.labelCodes = table.labels.map(() => new Map());
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

  get size(): number {
    return this.ids.size;
  }

  /** Reads every stored tuple (call once per open, or after an outside write). */
  async load(c: DuckDBConnection): Promise<void> {
    const t = this.table;
    const result = await c.runAndReadAll(
      `SELECT ${t.id}, ${t.labels.map(sqlIdent).join(", ")} FROM ${t.dims}`,
    );
    for (const row of result.getRowsJS()) {
      const id = Number(row[0]);
      this.add(
        id,
        row.slice(1).map((v) => intern(String(v))),
      );
      if (id >= this.nextId) this.nextId = id + 1;
    }
    this.committed = this.nextId;
  }

  private add(id: number, tuple: string[]): void {
    this.ids.set(tuple.join("\0"), id);
    this.tuples[id] = tuple;
    for (const p of this.projections) p.assign(id, tuple);
  }

  /**
   * The id of each row's tuple; `columns` are the label columns in label order. Each label
   * is first coded per column (a map hit on a string whose hash V8 caches: the wire decoder
   * hands out one string object per distinct value of a batch), and the tuple is looked up
   * by its codes packed into a short string, instead of by its joined labels.
   */
  resolve(columns: readonly (readonly string[])[], n: number): Int32Array {
    const out = new Int32Array(n);
    const width = columns.length;
    const codes = new Array<number>(2 * width);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < width; c++) {
        const code = this.codeOf(c, columns[c][r]);
        codes[2 * c] = code & 0xffff;
        codes[2 * c + 1] = code >>> 16;
      }
      const key = String.fromCharCode.apply(null, codes);
      let id = this.byCodes.get(key);
      if (id === undefined) {
        const tuple = columns.map((col) => intern(col[r]));
        id = this.ids.get(tuple.join("\0"));
        if (id === undefined) {
          id = this.nextId++;
          this.add(id, tuple);
          this.pendingIds.push(id);
        }
        this.byCodes.set(key, id);
      }
      out[r] = id;
    }
    return out;
  }

  private codeOf(column: number, label: string): number {
    const codes = this.labelCodes[column];
    let code = codes.get(label);
    if (code === undefined) {
      code = codes.size;
      codes.set(label, code);
    }
    return code;
  }

  /** The id of one tuple. */
  idOf(tuple: readonly string[]): number {
    return this.resolve(
      tuple.map((v) => [v]),
      1,
    )[0];
  }

  tuple(id: number): readonly string[] {
    const t = this.tuples[id];
    if (t === undefined) throw new Error(`${this.table.dims} has no id ${id}`);
    return t;
  }

  /** Projection `p`'s id of tuple `id`. */
  project(p: number, id: number): number {
    return this.projections[p].of[id];
  }

  /** Pending tuples not yet handed out, as the dims table's columns (for its appender). */
  takeUnwritten(): { ids: Int32Array; labels: string[][] } {
    const fresh = this.pendingIds.slice(this.written);
    this.written = this.pendingIds.length;
    const labels = this.table.labels.map((_, c) =>
      fresh.map((id) => (this.tuples[id] as string[])[c]),
    );
    return { ids: Int32Array.from(fresh), labels };
  }

  /** The pending tuples are stored. */
  commit(): void {
    this.pendingIds = [];
    this.written = 0;
    this.committed = this.nextId;
  }

  /** The transaction that would store the pending tuples failed: forget them. */
  rollback(): void {
    if (this.pendingIds.length > 0) this.byCodes.clear();
    for (const id of this.pendingIds) {
      const t = this.tuples[id];
      if (t !== undefined) this.ids.delete(t.join("\0"));
      this.tuples[id] = undefined;
    }
    this.pendingIds = [];
    this.written = 0;
    this.nextId = this.committed;
  }
}
