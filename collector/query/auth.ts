/**
 * Query credentials: `Authorization: Bearer <token>` (HTTP) or the `authorization` metadata
 * (gRPC). A tenant token sees only its tenant (the tenant filter is forced); an operator
 * token sees everything. Tokens are compared as SHA-256 digests in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { QueryGrant } from "./config.js";

export type Principal = { kind: "operator" } | { kind: "tenant"; tenant: string };

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401; code: "TW_ERR_QUERY_UNAUTHENTICATED"; message: string };

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

export class QueryAuthenticator {
  private readonly grants: { hash: Buffer; principal: Principal }[];

  constructor(tokens: Readonly<Record<string, QueryGrant>>) {
    this.grants = Object.entries(tokens).map(([token, g]) => ({
      hash: digest(token),
      principal: "operator" in g ? { kind: "operator" } : { kind: "tenant", tenant: g.tenant },
    }));
  }

  authenticate(authorization: string | undefined): AuthOutcome {
    if (authorization === undefined || authorization === "") {
      return fail("missing credentials: send Authorization: Bearer <token>");
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m === null) return fail("malformed Authorization header: expected Bearer <token>");
    const hash = digest(m[1]);
    let found: Principal | undefined;
    for (const g of this.grants) if (timingSafeEqual(g.hash, hash)) found = g.principal;
    return found === undefined ? fail("unknown or revoked token") : { ok: true, principal: found };
  }
}

function fail(message: string): AuthOutcome {
  return { ok: false, status: 401, code: "TW_ERR_QUERY_UNAUTHENTICATED", message };
}
