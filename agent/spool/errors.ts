/** Spool errors: stable codes, with the directory or segment they concern. */
export type SpoolErrorCode = "TW_ERR_SPOOL_CONFIG" | "TW_ERR_SPOOL_CLOSED" | "TW_ERR_SPOOL_IO";

export class SpoolError extends Error {
  readonly code: SpoolErrorCode;
  readonly path: string | undefined;

  constructor(
    code: SpoolErrorCode,
    message: string,
    context: { path?: string; cause?: unknown } = {},
  ) {
    super(`${code}: ${message}${context.path ? ` (${context.path})` : ""}`, {
      cause: context.cause,
    });
    this.name = "SpoolError";
    this.code = code;
    this.path = context.path;
  }
}
