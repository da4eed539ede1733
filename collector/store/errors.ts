/** Stable codes of store errors. */
export type StoreErrorCode =
  | "TW_ERR_STORE_DRIVER"
  | "TW_ERR_STORE_OPEN"
  | "TW_ERR_STORE_CLOSED"
  | "TW_ERR_STORE_BATCH"
  | "TW_ERR_STORE_QUERY";

/** A store failure; `path` names the database file, `agentId`/`seq` the batch when known. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly path: string | undefined;
  readonly agentId: string | undefined;
  readonly seq: number | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    context: { path?: string; agentId?: string; seq?: number; cause?: unknown } = {},
  ) {
    const where = [
      context.path === undefined ? "" : `db ${context.path}`,
      context.agentId === undefined ? "" : `agent ${context.agentId}`,
      context.seq === undefined ? "" : `seq ${context.seq}`,
    ]
      .filter((s) => s !== "")
      .join(", ");
    super(`${code}: ${message}${where ? ` (${where})` : ""}`, { cause: context.cause });
    this.name = "StoreError";
    this.code = code;
    this.path = context.path;
    this.agentId = context.agentId;
    this.seq = context.seq;
  }
}
