/**
 * The query API's section of collector.yaml (`query:`), with its own schema so the collector
 * config can include it as one key:
 *
 *   query:
 *     listen: 127.0.0.1:9480          # HTTP JSON; the gRPC Query service rides the collector's port
 *     tokens:                          # bearer token → scope (prefer tokens_file: they are secrets)
 *       "finance-7d0c1c8e1f2b4a59": { operator: true }
 *       "acme-3b9f6a0d2c1e4f78": { tenant: acme }
 *     tokens_file: /etc/tokenwatt/query-tokens.yaml
 *     sovereignty:                     # tenant → sovereignty zones its policy allows
 *       acme: [EU]
 *       globex: [EU, CH]
 */
import { z } from "zod";

const grant = z.union([
  z.strictObject({ operator: z.literal(true) }),
  z.strictObject({ tenant: z.string().min(1) }),
]);

export const queryTokensSchema = z.record(
  z.string().min(16, "tokens must have at least 16 characters"),
  grant,
);

export const querySectionSchema = z.strictObject({
  listen: z
    .string()
    .regex(
      /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
      "expected host:port, e.g. 127.0.0.1:9480",
    )
    .optional(),
  tokens: queryTokensSchema.optional(),
  tokens_file: z.string().min(1).optional(),
  sovereignty: z.record(z.string().min(1), z.array(z.string().min(1))).optional(),
});
export type QuerySectionInput = z.infer<typeof querySectionSchema>;

export const QUERY_DEFAULTS = { listen: "127.0.0.1:9480" } as const;

/** Who a query credential speaks for. */
export type QueryGrant = { operator: true } | { tenant: string };

/** Tenant → allowed sovereignty zones (x_SovereigntyZone values). */
export type SovereigntyPolicies = Record<string, readonly string[]>;
