/**
 * FOCUS Unit Format (attributes/unit_format.md): the five unit forms and the casing of the
 * listed terms. Terms outside the tables: SI symbols of dimensions FOCUS does not list
 * (energy, power) keep SI casing (`kWh`); any other new noun is a count-based unit and must
 * be capitalized (`GPU` in `GPU-Hours`).
 */
const TIME = ["Year", "Month", "Day", "Hour", "Minute", "Second"];
const SIZES = [
  "b",
  "B",
  "Kb",
  "KB",
  "Mb",
  "MB",
  "Gb",
  "GB",
  "Tb",
  "TB",
  "Pb",
  "PB",
  "Eb",
  "EB",
].concat(["Kib", "KiB", "Mib", "MiB", "Gib", "GiB", "Tib", "TiB", "Pib", "PiB", "Eib", "EiB"]);
const COUNTS = ["Count", "Unit", "Request", "Token", "Connection", "Certificate", "Domain", "Core"];
const SI = ["Wh", "kWh", "MWh", "GWh", "J", "kJ", "MJ", "GJ", "W", "kW", "MW"];

export interface UnitVerdict {
  /** Matches one of the five forms (UnitFormat-A-001). */
  form: boolean;
  /** Every term uses the listed casing, or is a capitalized new noun / SI symbol. */
  casing: boolean;
  /** Every term is recommended or an allowed exception. */
  recommended: boolean;
}

type Term = "time-singular" | "time-plural" | "size" | "count" | "si" | "new" | "bad";

function term(t: string): Term {
  if (TIME.includes(t)) return "time-singular";
  if (TIME.some((x) => `${x}s` === t)) return "time-plural";
  if (SIZES.includes(t)) return "size";
  if (COUNTS.some((x) => x === t || `${x}s` === t)) return "count";
  if (SI.includes(t)) return "si";
  const lower = t.toLowerCase();
  const listed = [...TIME, ...COUNTS].some(
    (x) => lower === x.toLowerCase() || lower === `${x.toLowerCase()}s`,
  );
  if (listed || SIZES.some((x) => x.toLowerCase() === lower)) return "bad";
  return /^[A-Z][A-Za-z0-9]*$/.test(t) ? "new" : "bad";
}

function plainUnits(s: string): Term[] | undefined {
  return /^[A-Za-z][A-Za-z0-9]*$/.test(s) ? [term(s)] : undefined;
}

/** Terms of a unit in one of the five forms, or undefined when no form matches. */
function parse(unit: string): { terms: Term[]; timeOk: boolean } | undefined {
  const quantity = /^([1-9][0-9]*) (.+)$/.exec(unit);
  if (quantity) {
    const t = plainUnits(quantity[2]);
    return t && { terms: t, timeOk: true };
  }
  const slash = unit.split("/");
  if (slash.length === 2) {
    const left = plainUnits(slash[0]);
    const interval = /^([1-9][0-9]*) ([A-Za-z]+)$/.exec(slash[1]);
    const right = interval ? term(interval[2]) : term(slash[1]);
    if (!left) return undefined;
    const timeOk = interval ? right === "time-plural" : right === "time-singular";
    return { terms: [...left, right], timeOk };
  }
  const dash = unit.split("-");
  if (dash.length === 2) {
    const left = plainUnits(dash[0]);
    if (!left) return undefined;
    const right = term(dash[1]);
    return { terms: [...left, right], timeOk: right === "time-plural" };
  }
  const single = plainUnits(unit);
  return single && { terms: single, timeOk: true };
}

export function checkUnit(unit: string): UnitVerdict {
  const p = parse(unit);
  if (p === undefined) return { form: false, casing: false, recommended: false };
  const casing = p.terms.every((t) => t !== "bad");
  return { form: p.timeOk, casing, recommended: casing && p.timeOk };
}
