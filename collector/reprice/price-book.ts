/**
 * PRICES.yaml for `tokenwatt reprice` (collector/prices.example.yaml documents every key):
 * parsed with zod, cross-checked, every problem reported at once as a ConfigError naming the
 * key path. The keys follow the agent's `prices:` section, plus per-lane discounts and
 * price/carbon series, which only make sense when re-pricing history.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, type ConfigIssue } from "../../agent/config/errors.js";
import { fromZod } from "../../agent/config/issues.js";
import { dropNulls, formatPath } from "../../agent/config/raw.js";
import { validateSchedule } from "../../kernel/src/prices.js";
import { isKnownTimeZone } from "../../kernel/src/tz-offsets.js";
import { LANES, type Lane } from "../../kernel/src/usage-line.js";

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const nonNeg = z.number().min(0);
const utc = z.string().regex(UTC_SECONDS, "expected YYYY-MM-DDTHH:mm:ssZ");
const discount = z.number().min(0).max(1);

const schema = z.strictObject({
  version: z.string().min(1).max(128).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as USD or EUR"),
  energy_per_kwh: nonNeg.optional(),
  energy_schedule: z
    .array(z.strictObject({ from: z.string(), to: z.string(), per_kwh: z.number() }))
    .optional(),
  timezone: z.string().optional(),
  energy_series: z
    .array(z.strictObject({ from: utc, per_kwh: nonNeg }))
    .min(1)
    .optional(),
  gpu_hour: nonNeg,
  lane_discount: z.union([discount, z.partialRecord(z.enum(LANES), discount)]).optional(),
  carbon_g_per_kwh: nonNeg.optional(),
  carbon_series: z
    .array(z.strictObject({ from: utc, g_per_kwh: nonNeg }))
    .min(1)
    .optional(),
  embodied_g_per_gpu_hour: nonNeg.optional(),
  pue: z.number().min(1).max(5).optional(),
});
export type PriceBookFile = z.infer<typeof schema>;

/** A price or intensity over time: `value` holds from `fromS` until the next point. */
export interface SeriesPoint {
  fromS: number;
  value: number;
}

export type EnergyPrice =
  | { kind: "flat"; perKwh: number }
  | { kind: "schedule"; timezone: string; entries: { from: string; to: string; per_kwh: number }[] }
  | { kind: "series"; points: SeriesPoint[] };

/** The resolved price book a re-pricing run applies. */
export interface PriceBook {
  version?: string;
  currency: string;
  energy: EnergyPrice;
  gpuHour: number;
  /** Per lane; a lane not listed gets 0. */
  laneDiscount: Record<Lane, number>;
  carbon: { kind: "flat"; gPerKwh: number } | { kind: "series"; points: SeriesPoint[] };
  embodiedGPerGpuHour: number;
  /** Absent: keep each reading's measured facility energy; set: facility = IT energy × pue. */
  pue?: number;
}

type Issue = { path: (string | number)[]; message: string };

function series(
  points: { from: string }[],
  value: (i: number) => number,
  key: string,
  issues: Issue[],
): SeriesPoint[] {
  const out = points.map((p, i) => ({ fromS: Date.parse(p.from) / 1000, value: value(i) }));
  out.forEach((p, i) => {
    if (!Number.isFinite(p.fromS))
      issues.push({ path: [key, i, "from"], message: "not a valid date" });
    else if (i > 0 && p.fromS <= out[i - 1].fromS) {
      issues.push({ path: [key, i, "from"], message: "must be later than the entry before it" });
    }
  });
  return out;
}

function energyOf(f: PriceBookFile, issues: Issue[]): EnergyPrice {
  const given = [f.energy_per_kwh, f.energy_schedule, f.energy_series].filter(
    (x) => x !== undefined,
  );
  if (given.length !== 1) {
    issues.push({
      path: [],
      message:
        "set exactly one of energy_per_kwh (flat), energy_schedule (time of use) or energy_series",
    });
  }
  if (f.energy_schedule !== undefined) {
    if (f.timezone === undefined || !isKnownTimeZone(f.timezone)) {
      issues.push({
        path: ["timezone"],
        message: `required with energy_schedule: an IANA time zone such as Europe/Berlin${f.timezone ? `; got "${f.timezone}"` : ""}`,
      });
    }
    for (const i of validateSchedule(f.energy_schedule, "energy_schedule")) {
      issues.push({ path: [i.path], message: i.message });
    }
    return { kind: "schedule", timezone: f.timezone ?? "UTC", entries: f.energy_schedule };
  }
  if (f.energy_series !== undefined) {
    const s = f.energy_series;
    return { kind: "series", points: series(s, (i) => s[i].per_kwh, "energy_series", issues) };
  }
  return { kind: "flat", perKwh: f.energy_per_kwh ?? 0 };
}

function resolve(f: PriceBookFile, issues: Issue[]): PriceBook {
  const energy = energyOf(f, issues);
  if (f.carbon_g_per_kwh !== undefined && f.carbon_series !== undefined) {
    issues.push({
      path: ["carbon_series"],
      message: "set either carbon_g_per_kwh or carbon_series, not both",
    });
  }
  const cs = f.carbon_series;
  const carbon: PriceBook["carbon"] =
    cs !== undefined
      ? { kind: "series", points: series(cs, (i) => cs[i].g_per_kwh, "carbon_series", issues) }
      : { kind: "flat", gPerKwh: f.carbon_g_per_kwh ?? 0 };
  const d = f.lane_discount;
  const laneDiscount = Object.fromEntries(
    LANES.map((l) => [l, typeof d === "number" ? d : (d?.[l] ?? 0)]),
  ) as Record<Lane, number>;
  return {
    ...(f.version === undefined ? {} : { version: f.version }),
    currency: f.currency,
    energy,
    gpuHour: f.gpu_hour,
    laneDiscount,
    carbon,
    embodiedGPerGpuHour: f.embodied_g_per_gpu_hour ?? 0,
    ...(f.pue === undefined ? {} : { pue: f.pue }),
  };
}

/** Parses PRICES.yaml text; throws ConfigError (TW_ERR_CONFIG) listing every problem. */
export function parsePriceBook(text: string, file: string): PriceBook {
  let raw: unknown;
  try {
    raw = dropNulls(parseYaml(text));
  } catch (error) {
    throw new ConfigError(file, [
      { file, path: "", message: `YAML: ${(error as Error).message.split("\n")[0]}` },
    ]);
  }
  const parsed = schema.safeParse(raw ?? {});
  const toIssue = (i: { path: readonly PropertyKey[]; message: string }): ConfigIssue => ({
    file,
    path: formatPath(i.path),
    message: i.message,
  });
  if (!parsed.success) throw new ConfigError(file, fromZod(parsed.error.issues).map(toIssue));
  const issues: Issue[] = [];
  const book = resolve(parsed.data, issues);
  if (issues.length > 0) throw new ConfigError(file, issues.map(toIssue));
  return book;
}

export async function loadPriceBook(path: string): Promise<PriceBook> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [
      { file: path, path: "", message: `cannot read: ${(error as Error).message}` },
    ]);
  }
  return parsePriceBook(text, path);
}
