/** Stable codes of wire errors. */
export type WireErrorCode =
  | "TW_ERR_WIRE_TIME"
  | "TW_ERR_WIRE_RANGE"
  | "TW_ERR_WIRE_DECODE"
  | "TW_ERR_WIRE_VALUE";

/** A batch that cannot be encoded or decoded; `row` names the offending line or reading. */
export class WireError extends Error {
  readonly code: WireErrorCode;
  readonly row: number | undefined;
  readonly field: string | undefined;

  constructor(
    code: WireErrorCode,
    message: string,
    context: { row?: number; field?: string; cause?: unknown } = {},
  ) {
    const where =
      context.row === undefined
        ? ""
        : ` (row ${context.row}${context.field ? `, ${context.field}` : ""})`;
    super(`${code}: ${message}${where}`, { cause: context.cause });
    this.name = "WireError";
    this.code = code;
    this.row = context.row;
    this.field = context.field;
  }
}

/** Outcome of an encode or decode: a value, never a throw. */
export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };
