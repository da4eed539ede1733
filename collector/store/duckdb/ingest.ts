/**
 * One commit of one or more batches (group commit, see group-commit.ts), in one transaction:
 *   0. map each row's labels to a label id (catalog.ts, dims.ts; new label tuples are
 *      stored in the same transaction);
 *   1. dedupe by natural key, exactly (dedupe.ts): within the commit, then against stored
 *      rows for the few rows that could be stored (per-agent high-water marks, marks.ts);
 *   2. append the remaining rows as facts (numbers and label ids) into line_facts,
 *      reading_facts and token_facts (token rows go with their reading: stored iff it is
 *      inserted; in the fact of the line that repeats them when it is inserted too,
 *      `placeTokens`);
 *   3. append the JS-summed rollup delta of exactly those lines (rollup.ts), store the
 *      agents' sequence state (agents.ts), and COMMIT. DuckDB writes and fsyncs its WAL at COMMIT, so
 *      when the promise resolves the rows survive a process kill (test: store/durability).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestResult } from "../types.js";
import type { AgentBook } from "./agents.js";
import { type Catalog, LINE_GPU, LINE_ROLLUP, LINE_SERIES, READING_GPU } from "./catalog.js";
import { appendColumns, type Column, type Driver, withAppender } from "./chunk-writer.js";
import { compact, count, type DedupeSide, dropStored, firstOccurrences, latest } from "./dedupe.js";
import type { DimTable } from "./dims.js";
import { type LabelTuples, perRow } from "./label-tuples.js";
import type { Marks } from "./marks.js";
import type { Prepared } from "./prepare.js";
import { RollupDelta } from "./rollup.js";
import type { RollupCompactor } from "./rollup-cells.js";
import { LINE_COLUMNS, LINES, READINGS, type SplitLayout, TOKENS } from "./schema.js";
import { type Columnar, numeric, TOKEN_NUMBERS, TOKEN_START } from "./to-columns.js";

export interface CommitContext {
  driver: Driver;
  connection: DuckDBConnection;
  agents: AgentBook;
  catalog: Catalog;
  compactor: RollupCompactor;
  nowMs: number;
}

const lineAt = (name: string): number => LINE_COLUMNS.findIndex((c) => c.name === name);
/** stage_line_keys column order (schema.ts): the natural key. */
const LINE_KEY_COLUMNS = [
  "x_AgentId",
  "ChargePeriodStart",
  "ResourceId",
  "x_Workload",
  "SubAccountId",
  "x_LineKind",
  "x_PriceVersion",
].map(lineAt);
/** stage_reading_keys: agent_id, window_start, gpu_uuid. */
const READING_KEY_COLUMNS = [0, 1, 3];

/** A batch's label ids in one table: per distinct tuple, and spread to the rows. */
interface Resolved {
  labels: LabelTuples;
  tupleIds: Int32Array;
  rowIds: Int32Array;
}

/** Looks up each distinct tuple of `labels` once. */
function resolveRows(table: DimTable, labels: LabelTuples): Resolved {
  const tupleIds = table.resolve(labels.values, labels.count);
  return { labels, tupleIds, rowIds: perRow(labels, tupleIds) };
}

/** Per row, projection `p` of its label id (projected once per tuple). */
function projectRows(table: DimTable, p: number, ids: Resolved): Int32Array {
  return perRow(
    ids.labels,
    ids.tupleIds.map((id) => table.project(p, id)),
  );
}

/** Fact columns (schema.ts factColumns order) of `rows` with their label ids. */
function factColumns(rows: Columnar, at: SplitLayout, ids: Int32Array): Column[] {
  return [
    ...at.times.map((i) => numeric(rows, i)),
    { type: "INTEGER", values: ids },
    ...at.numbers.map((i) => numeric(rows, i)),
  ];
}

/**
 * Where a batch's token rows go. A token row is stored iff its reading is inserted (token
 * rows go with their reading); in its carrying line's fact (TOKEN_RDIM = the reading's label
 * id) when that line is inserted in the same commit, else as a token fact. So each stored
 * reading's token rows are stored once, whichever of its lines were duplicates.
 */
function placeTokens(
  p: Prepared,
  lineKeep: Uint8Array,
  readingKeep: Uint8Array,
  readingRdim: Int32Array,
): { lineRdim: Int32Array; keep: Uint8Array; rdim: Int32Array } {
  const { owner, tokenCount } = p.readings;
  const lineRdim = new Int32Array(p.lines.rowCount).fill(-1);
  const keep = new Uint8Array(tokenCount);
  const rdim = new Int32Array(tokenCount);
  for (let k = 0; k < tokenCount; k++) {
    const o = owner[k];
    if (readingKeep[o] !== 1) continue;
    const line = p.tokenLine[k];
    if (line >= 0 && lineKeep[line] === 1) lineRdim[line] = readingRdim[o];
    else {
      keep[k] = 1;
      rdim[k] = readingRdim[o];
    }
  }
  return { lineRdim, keep, rdim };
}

function filled(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}

/** Commits `group` in one transaction; results in group order. Throws on failure (rolled back). */
export async function commitGroup(
  ctx: CommitContext,
  group: readonly Prepared[],
): Promise<IngestResult[]> {
  const marks = await ctx.catalog.ensure(ctx.connection);
  try {
    return await commitLabelled(ctx, group, marks);
  } catch (error) {
    // New label tuples of a rolled-back transaction are not stored: forget them.
    ctx.catalog.rollback();
    throw error;
  }
}

/** Each row's label ids and the commit's first-occurrence dedupe (before any stored row). */
function dedupeSides(catalog: Catalog, group: readonly Prepared[]) {
  const lineRows = group.map((p) => p.lines);
  const readingRows = group.map((p) => p.readings.readings);
  const lineIds = lineRows.map((r) => resolveRows(catalog.lines, r.labels));
  const readingIds = readingRows.map((r) => resolveRows(catalog.readings, r.labels));
  const tokenIds = group.map((p) => resolveRows(catalog.tokens, p.readings.tokenLabels).rowIds);
  const lineGpu = lineIds.map((ids) => projectRows(catalog.lines, LINE_GPU, ids));
  const readingGpu = readingIds.map((ids) => projectRows(catalog.readings, READING_GPU, ids));
  const lines: DedupeSide = {
    rows: lineRows,
    keep: firstOccurrences(
      lineIds.map((ids) => projectRows(catalog.lines, LINE_SERIES, ids)),
      lineRows,
    ),
    gpu: lineGpu,
    keyColumns: LINE_KEY_COLUMNS,
    labelColumns: LINES.layout.labels,
    stage: "stage_line_keys",
  };
  const readings: DedupeSide = {
    rows: readingRows,
    keep: firstOccurrences(readingGpu, readingRows),
    gpu: readingGpu,
    keyColumns: READING_KEY_COLUMNS,
    labelColumns: READINGS.layout.labels,
    stage: "stage_reading_keys",
  };
  return { lineIds, readingIds, tokenIds, lines, readings };
}

async function commitLabelled(
  ctx: CommitContext,
  group: readonly Prepared[],
  marks: { lines: Marks; readings: Marks },
): Promise<IngestResult[]> {
  const { driver, connection: c, nowMs, catalog } = ctx;
  // BEGIN runs on DuckDB's thread while this one works out label ids and the dedupe.
  const beginning = c.runAndReadAll("BEGIN TRANSACTION; SELECT nextval('ingest_ids')");
  let sides: ReturnType<typeof dedupeSides>;
  try {
    sides = dedupeSides(catalog, group);
  } catch (error) {
    await beginning.then(() => c.run("ROLLBACK")).catch(() => undefined);
    throw error;
  }
  const { lineIds, readingIds, tokenIds, lines, readings } = sides;
  // Stage tables are empty between commits: each commit clears what it staged before
  // COMMIT (and a rollback restores them empty), so no round trip is spent clearing them.
  const begin = await beginning;
  try {
    const id = Number(begin.getRowsJS()[0][0]);
    const looked = await dropStored(driver, c, lines, readings, marks);
    const inserted = lines.keep.map(count);
    const readingsInserted = readings.keep.map(count);
    const rollup = new RollupDelta((g) => catalog.lines.projections[LINE_ROLLUP].values[g]);
    await catalog.writePending(driver, c);
    const tokens = group.map((p, b) =>
      placeTokens(p, lines.keep[b], readings.keep[b], readingIds[b].rowIds),
    );
    await withAppender(c, LINES.facts, (a) => {
      group.forEach((p, b) => {
        const n = inserted[b];
        const extra: Column[] = [
          { type: "BIGINT", values: filled(n, id) },
          { type: "TIMESTAMP", values: filled(n, nowMs * 1000) },
        ];
        const keep = lines.keep[b];
        const facts = compact(factColumns(p.lines, LINES.layout, lineIds[b].rowIds), keep, n);
        const carried = compact([{ type: "INTEGER", values: tokens[b].lineRdim }], keep, n);
        appendColumns(driver, a, [...facts, ...extra, ...carried], n);
        rollup.add(p.lines, lines.keep[b], projectRows(catalog.lines, LINE_ROLLUP, lineIds[b]));
      });
    });
    await withAppender(c, READINGS.facts, (a) => {
      group.forEach((p, b) => {
        const n = readingsInserted[b];
        const facts = factColumns(p.readings.readings, READINGS.layout, readingIds[b].rowIds);
        const cols = compact(facts, readings.keep[b], n);
        appendColumns(driver, a, [...cols, { type: "BIGINT", values: filled(n, id) }], n);
      });
    });
    await withAppender(c, TOKENS.facts, (a) => {
      group.forEach((p, b) => {
        const { keep, rdim } = tokens[b];
        const n = count(keep);
        const facts: Column[] = [
          p.readings.tokens[TOKEN_START] as Column,
          { type: "INTEGER", values: rdim },
          { type: "INTEGER", values: tokenIds[b] },
          ...TOKEN_NUMBERS.map((i) => p.readings.tokens[i] as Column),
        ];
        appendColumns(driver, a, compact(facts, keep, n), n);
      });
    });
    const statements: string[] = [];
    await withAppender(c, "rollup_cells", (a) =>
      appendColumns(driver, a, rollup.columns(), rollup.size),
    );
    if (looked > 0)
      statements.push("DELETE FROM stage_line_keys", "DELETE FROM stage_reading_keys");
    const agents = ctx.agents.plan(
      group.map((p, b) => ({ ...p.batch, lineCount: inserted[b] })),
      nowMs,
    );
    statements.push(agents.sql, "COMMIT");
    await c.run(statements.join(";\n"));
    ctx.agents.apply(agents.next);
    catalog.commit(latest(lines), latest(readings));
    ctx.compactor.note(rollup.size, rollup.minHourUs);
    return group.map((p, b) => ({
      inserted: inserted[b],
      duplicates: p.lines.rowCount - inserted[b],
      readingsInserted: readingsInserted[b],
      readingsDuplicates: p.readings.readings.rowCount - readingsInserted[b],
    }));
  } catch (error) {
    await c.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
