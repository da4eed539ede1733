/**
 * Number parsing with Go `strconv.ParseFloat` semantics for the spellings exporters use:
 * decimals, exponents (`1.15891634176e+011`), `NaN`, `+Inf`/`-Inf`, and the C library's
 * `-nan` (llama.cpp prints it). `Number()` is not used directly because it accepts `""`,
 * whitespace and hex, and rejects `Inf`.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of `text`, or undefined when it is not a number in any accepted spelling. */
export function parseNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case "nan":
    case "+nan":
    case "-nan":
      return Number.NaN;
    case "inf":
    case "+inf":
    case "infinity":
    case "+infinity":
      return Number.POSITIVE_INFINITY;
    case "-inf":
    case "-infinity":
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}
