/**
 * One query, transport-neutral: authenticate, parse and scope the parameters, aggregate,
 * compute the figure. HTTP and gRPC both call it and map the outcome to their status codes.
 */
import type { Kernel } from "../../kernel/src/types.js";
import type { QueryFilter, Store } from "../store/types.js";
import type { QueryAuthenticator } from "./auth.js";
import type { SovereigntyPolicies } from "./config.js";
import { type FigureRow, figureNamed } from "./figures.js";
import { parseParams, type QueryFailure, scopeFilter } from "./params.js";

export interface QueryDeps {
  store: Pick<Store, "aggregate">;
  auth: QueryAuthenticator;
  kernel: Kernel;
  sovereignty: SovereigntyPolicies;
}

export interface FigureResult {
  figure: string;
  description: string;
  /** The filter applied, after the credential's scope. */
  filter: QueryFilter;
  by: string[];
  rows: FigureRow[];
}

export type QueryOutcome =
  | { ok: true; result: FigureResult }
  | QueryFailure
  | { ok: false; status: 401; code: string; message: string };

export async function runQuery(
  deps: QueryDeps,
  authorization: string | undefined,
  figureName: string,
  raw: Readonly<Record<string, string | undefined>>,
): Promise<QueryOutcome> {
  const auth = deps.auth.authenticate(authorization);
  if (!auth.ok) return auth;
  const figure = figureNamed(figureName);
  if (figure === undefined) {
    return {
      ok: false,
      status: 404,
      code: "TW_ERR_QUERY_FIGURE",
      message: `no figure "${figureName}"; GET /v1/figures lists them`,
    };
  }
  const parsed = parseParams(raw, figure.groupable);
  if (!parsed.ok) return parsed;
  const scoped = scopeFilter(parsed.params.filter, auth.principal);
  if (!scoped.ok) return scoped;
  const by = [...figure.fixedBy, ...parsed.params.by.filter((d) => !figure.fixedBy.includes(d))];
  try {
    const rows = await deps.store.aggregate({ filter: scoped.filter, by });
    return {
      ok: true,
      result: {
        figure: figure.name,
        description: figure.description,
        filter: scoped.filter,
        by,
        rows: figure.compute(rows, { kernel: deps.kernel, sovereignty: deps.sovereignty }),
      },
    };
  } catch (error) {
    return {
      ok: false,
      status: 500,
      code: "TW_ERR_QUERY_STORE",
      message: `the store could not answer: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
