import { STATUS_CODES, type Status } from "../constants.js";

/**
 * Malformed kernel input (a host bug, not a runtime outcome): wrong array lengths, an unknown
 * series mode, unsorted rows. The reference throws it with the same stable code that the
 * WASM kernel's status maps to (kernel/src/constants.ts), so both reject the same inputs.
 */
export class KernelInputError extends Error {
  readonly code: string;
  constructor(
    readonly status: Exclude<Status, 0>,
    message: string,
    readonly context: { call: string; field: string },
  ) {
    super(`${context.call}: ${context.field}: ${message}`);
    this.name = "KernelInputError";
    this.code = STATUS_CODES[status];
  }
}
