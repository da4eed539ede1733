/**
 * FOCUS export from a ClickHouse store: the selected lines and the agents' site metadata are
 * staged into a temporary DuckDB file (clickhouse-stage.ts), and the DuckDB export
 * (export.ts) runs on it unchanged, so both stores give the same FOCUS rows for the same
 * lines. The temporary folder (under `tempDir`, default the OS temp folder, i.e. `$TMPDIR`)
 * needs room for the selected lines, about 100 bytes per line; it is removed afterwards,
 * also on failure.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClickHouseStore } from "../../store/clickhouse/store.js";
import { DuckDbStore } from "../../store/duckdb/store.js";
import { StoreError } from "../../store/errors.js";
import { type StageOptions, stageFromClickHouse } from "./clickhouse-stage.js";
import { exportFocus, type FocusExportOptions, type FocusExportResult } from "./export.js";

export interface ClickHouseFocusExportOptions
  extends Omit<FocusExportOptions, "store">,
    StageOptions {
  /** A started ClickHouse store. */
  store: ClickHouseStore;
  /** Where the temporary DuckDB file goes (default `os.tmpdir()`). */
  tempDir?: string;
}

export async function exportFocusFromClickHouse(
  options: ClickHouseFocusExportOptions,
): Promise<FocusExportResult> {
  const { store: source, tempDir, chunkLines, onProgress, ...rest } = options;
  let dir: string | undefined;
  let stage: DuckDbStore | undefined;
  try {
    dir = await mkdtemp(join(tempDir ?? tmpdir(), "tokenwatt-focus-"));
    stage = new DuckDbStore({ path: join(dir, "stage.duckdb") });
    await stage.start();
    try {
      await stageFromClickHouse(source, stage, rest, {
        ...(chunkLines === undefined ? {} : { chunkLines }),
        ...(onProgress === undefined ? {} : { onProgress }),
      });
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new StoreError("TW_ERR_STORE_QUERY", `staging the export failed: ${detail}`, {
        path: source.where,
        cause,
      });
    }
    return await exportFocus({ ...rest, store: stage });
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    await stage?.shutdown().catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
