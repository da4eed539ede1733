/** Shipper errors: stable codes with the collector URL or file they concern. */
export type ShipperErrorCode = "TW_ERR_SHIP_CONFIG" | "TW_ERR_SHIP_ENCODE";

export class ShipperError extends Error {
  readonly code: ShipperErrorCode;

  constructor(code: ShipperErrorCode, message: string, context: { cause?: unknown } = {}) {
    super(`${code}: ${message}`, { cause: context.cause });
    this.name = "ShipperError";
    this.code = code;
  }
}
