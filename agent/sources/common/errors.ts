/** Where a source error happened; every field a reader needs to find the cause. */
export interface SourceErrorContext {
  source: string;
  url?: string;
  file?: string;
  command?: string;
  status?: number;
}

/** Base of every source error. `code` is stable (`TW_ERR_*`); `message` is for people. */
export class SourceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: SourceErrorContext,
    options?: { cause?: unknown },
  ) {
    super(`${context.source}: ${message}`, options);
    this.name = new.target.name;
  }
}

/** Misconfiguration, thrown at construction (createSource), never during a scrape. */
export class SourceConfigError extends SourceError {
  constructor(message: string, context: SourceErrorContext) {
    super("TW_ERR_SOURCE_CONFIG", message, context);
  }
}

/** The endpoint answered with a non-2xx status. */
export class SourceHttpError extends SourceError {
  constructor(status: number, context: SourceErrorContext) {
    super("TW_ERR_SOURCE_HTTP", `HTTP ${status} from ${context.url}`, { ...context, status });
  }
}

/** No complete answer within the source's timeout. */
export class SourceTimeoutError extends SourceError {
  constructor(timeoutMs: number, context: SourceErrorContext) {
    const where = context.url ?? context.command ?? context.file ?? "";
    super("TW_ERR_SOURCE_TIMEOUT", `no answer within ${timeoutMs} ms from ${where}`, context);
  }
}

/** Connection refused, DNS, TLS, reset: the request never completed. */
export class SourceNetworkError extends SourceError {
  constructor(context: SourceErrorContext, cause: unknown) {
    super("TW_ERR_SOURCE_NETWORK", `cannot reach ${context.url}: ${describe(cause)}`, context, {
      cause,
    });
  }
}

/** The body was larger than the source accepts. */
export class SourceBodyTooLargeError extends SourceError {
  constructor(maxBytes: number, context: SourceErrorContext) {
    super(
      "TW_ERR_SOURCE_BODY_TOO_LARGE",
      `body over ${maxBytes} bytes from ${context.url}`,
      context,
    );
  }
}

/** A command (nvidia-smi) could not run or exited non-zero. */
export class SourceExecError extends SourceError {
  constructor(message: string, context: SourceErrorContext, cause?: unknown) {
    super("TW_ERR_SOURCE_EXEC", message, context, { cause });
  }
}

/** A local file (RAPL) could not be read. */
export class SourceReadError extends SourceError {
  constructor(message: string, context: SourceErrorContext, cause?: unknown) {
    super("TW_ERR_SOURCE_READ", message, context, { cause });
  }
}

/** The fetch was cancelled by the caller's signal (shutdown), not by a timeout. */
export class SourceAbortedError extends SourceError {
  constructor(context: SourceErrorContext) {
    super("TW_ERR_SOURCE_ABORTED", "fetch aborted", context);
  }
}

export function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
    return cause.message + inner;
  }
  return String(cause);
}

/** The body is not in the form the source reads (e.g. a Redfish answer that is not JSON). */
export class SourceFormatError extends SourceError {
  constructor(message: string, context: SourceErrorContext) {
    super("TW_ERR_SOURCE_FORMAT", message, context);
  }
}
