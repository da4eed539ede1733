/**
 * Structural schema of the agent config file: types, ranges and single-field rules.
 * Cross-field rules live in cross-checks.ts, defaults in defaults.ts. Every object is
 * strict so a misspelt key is reported instead of silently ignored.
 */
import { z } from "zod";
import { LANES } from "../../kernel/src/usage-line.js";
import { SOURCE_KINDS } from "./kinds.js";

const DAY_S = 86_400;

/** Divisors of a day in seconds: the allowed window lengths. */
export const WINDOW_DIVISORS: readonly number[] = Array.from(
  { length: DAY_S },
  (_, i) => i + 1,
).filter((d) => DAY_S % d === 0);

function strict<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown key. Allowed: ${Object.keys(shape).join(", ")}`
        : undefined,
  });
}

const text = z.string().min(1);
const nonNeg = z.number().nonnegative();
const positive = z.number().positive();

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const name = z
  .string()
  .regex(NAME_RE, "expected 1-64 characters of letters, digits, '_', '.', ':', '-'");

const hostPort = z
  .string()
  .regex(
    /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
    "expected host:port, e.g. 127.0.0.1:9464",
  );

const collectorEndpoint = z
  .string()
  .regex(
    /^(https?:\/\/)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/,
    "expected host:port or https://host:port, e.g. collector-fra.example.net:4317",
  );

const httpUrl = z.string().superRefine((v, ctx) => {
  let ok = false;
  try {
    const u = new URL(v);
    ok = (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    ok = false;
  }
  if (!ok)
    ctx.addIssue({ code: "custom", message: `expected an http:// or https:// URL; got "${v}"` });
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM, 00:00 to 23:59");

const timezone = z.string().superRefine((v, ctx) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: v });
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `unknown IANA time zone "${v}". Allowed: names such as Europe/Berlin, America/New_York, UTC`,
    });
  }
});

const windowS = z
  .number()
  .int()
  .positive()
  .superRefine((v, ctx) => {
    if (DAY_S % v === 0) return;
    const below = WINDOW_DIVISORS.filter((d) => d < v).at(-1);
    const above = WINDOW_DIVISORS.find((d) => d > v);
    ctx.addIssue({
      code: "custom",
      message:
        `window_s must divide 86400; got ${v}. Allowed: ${WINDOW_DIVISORS.slice(0, 23).join(", ")}, ... ` +
        `(nearest: ${[below, above].filter((d) => d !== undefined).join(", ")})`,
    });
  });

const GPU_REF_HINT =
  "expected a GPU index (0, 1, ...) or an NVML UUID (GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";
const gpuRef = z.union(
  [
    z.number().int(GPU_REF_HINT).nonnegative(),
    z.string().regex(/^GPU-[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/, GPU_REF_HINT),
  ],
  { error: GPU_REF_HINT },
);

const agentSchema = strict({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/,
      "expected 1-128 characters of letters, digits, '_', '.', ':', '@', '-' (the hostname is a good choice)",
    ),
  window_s: windowS.optional(),
  scrape_interval_s: positive.optional(),
  max_gap_s: positive.optional(),
  spool_dir: text.optional(),
  spool_max_bytes: z.number().int().positive().optional(),
  listen: hostPort.optional(),
  state_dir: text.optional(),
  sink: text.optional(),
});

const siteSchema = strict({
  metro: z.string().optional(),
  region_name: z.string().optional(),
  hall: z.string().optional(),
  rack: z.string().optional(),
  lane: z.enum(LANES).optional(),
  sovereignty_zone: z.string().optional(),
  provider: z.string().optional(),
});

const periodSchema = strict({ from: hhmm, to: hhmm, per_kwh: nonNeg });

const pricesSchema = strict({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as USD or EUR")
    .optional(),
  energy_per_kwh: nonNeg.optional(),
  timezone: timezone.optional(),
  energy_schedule: z.array(periodSchema).min(1).optional(),
  gpu_hour: nonNeg.optional(),
  lane_discount: z.number().min(0).max(1).optional(),
  carbon_g_per_kwh: nonNeg.optional(),
  carbon_source: text.optional(),
  embodied_g_per_gpu_hour: nonNeg.optional(),
  pue: z.number().min(1).optional(),
  version: text.optional(),
});

const gpusSchema = strict({
  idle_w: strict({
    default: z
      .union([nonNeg, z.literal("learn")], {
        error: 'expected a wattage (a number >= 0) or "learn"',
      })
      .optional(),
    by_model: z.record(z.string(), nonNeg).optional(),
  }).optional(),
  ceiling_w: positive.optional(),
});

const sourceSchema = strict({
  name,
  kind: z.enum(SOURCE_KINDS),
  url: httpUrl.optional(),
  metric: text.optional(),
  unit: text.optional(),
  label: text.optional(),
  timeout_s: positive.optional(),
  command: text.optional(),
  path: text.optional(),
});

const workloadSchema = strict({
  name,
  tokens: text,
  model: text.optional(),
  gpus: z.array(gpuRef).min(1),
  tenant: text.optional(),
  tenants: strict({
    source: text,
    label: text.optional(),
    model: text.optional(),
  }).optional(),
});

const attributionSchema = strict({
  idle: z.enum(["spread", "separate"]).optional(),
  prompt_weight: nonNeg.optional(),
  cached_weight: nonNeg.optional(),
  owner_tenant: text.optional(),
});

const collectorSchema = strict({
  urls: z.array(collectorEndpoint).min(1),
  tls: strict({ ca: text.optional(), cert: text.optional(), key: text.optional() }).optional(),
  token_file: text.optional(),
  batch_max_lines: z.number().int().positive().optional(),
  batch_max_delay_s: positive.optional(),
  allow_plaintext: z.boolean().optional(),
});

export const agentConfigSchema = strict({
  agent: agentSchema,
  site: siteSchema.optional(),
  prices: pricesSchema.optional(),
  gpus: gpusSchema.optional(),
  sources: z.array(sourceSchema).optional(),
  workloads: z.array(workloadSchema).optional(),
  attribution: attributionSchema.optional(),
  collector: collectorSchema.optional(),
});

/** The config as written in the file (every default still unapplied). */
export type AgentConfigInput = z.infer<typeof agentConfigSchema>;
