/** The collector config's structure (zod): types, ranges, unknown keys refused. */
import { z } from "zod";
import { querySectionSchema } from "../query/config.js";

const strict = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);
const text = z.string().min(1);
const hostPort = z
  .string()
  .regex(
    /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
    "expected host:port, e.g. 0.0.0.0:4317 or 127.0.0.1:4317",
  );
const count = z.number().int().positive();

const grant = strict({
  agents: z.array(text).min(1),
  tenants: z.array(z.string()).min(1).optional(),
});

export const tokensSchema = z.record(
  z.string().min(16, "tokens must have at least 16 characters"),
  grant,
);

export const collectorConfigSchema = strict({
  listen: hostPort.optional(),
  metrics_listen: hostPort.optional(),
  tls: strict({
    cert: text,
    key: text,
    ca: text.optional(),
    require_client_cert: z.boolean().optional(),
  }).optional(),
  auth: strict({
    tokens: tokensSchema.optional(),
    tokens_file: text.optional(),
  }).optional(),
  allow_plaintext_loopback: z.boolean().optional(),
  store: z.discriminatedUnion("kind", [
    strict({ kind: z.literal("duckdb"), path: text }),
    strict({
      kind: z.literal("clickhouse"),
      url: z.string().regex(/^https?:\/\/[^/\s]+\/?$/, "expected http(s)://host:port"),
      database: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a database name")
        .optional(),
      username: text.optional(),
      password_file: text.optional(),
      collector_name: text.optional(),
    }),
  ]),
  /** The query API (HTTP JSON + gRPC Query service); served only when present. */
  query: querySectionSchema.optional(),
  ingest: strict({
    stage_workers: z.union([z.literal("auto"), z.number().int().min(0).max(64)]).optional(),
  }).optional(),
  limits: strict({
    max_batch_bytes: count.max(1 << 30).optional(),
    max_batch_lines: count.optional(),
    max_batch_readings: count.optional(),
    max_string_length: count.max(65_536).optional(),
  }).optional(),
});

export type CollectorConfigInput = z.infer<typeof collectorConfigSchema>;
