/**
 * Who is calling. With TLS: a client certificate signed by tls.ca names the agent (its CN and
 * its DNS/URI subject alternative names), else a bearer token (`authorization: Bearer …`)
 * maps to a grant. grpc-js exposes a client certificate only when TLS verified it against
 * tls.ca; it is checked again here (issuer, signature, validity) as defence in depth. Without TLS (allow_plaintext_loopback on a loopback listener) a caller is
 * trusted for any agent unless it presents a token, which then limits it.
 */
import { createHash, X509Certificate } from "node:crypto";
import { type Metadata, type ServerUnaryCall, status } from "@grpc/grpc-js";
import type { TokenGrant } from "../config/types.js";

export interface Identity {
  via: "mtls" | "token" | "loopback";
  /** Agent ids the caller may ship for; undefined = any. */
  agents?: ReadonlySet<string>;
  tenants?: ReadonlySet<string>;
  /** For logs: the certificate subject or the token's grant. */
  name: string;
}

export type AuthOutcome =
  | { ok: true; identity: Identity }
  | { ok: false; code: status; message: string };

export interface AuthSettings {
  tls: boolean;
  /** PEM of tls.ca, when agents may use client certificates. */
  caPem?: string;
  /** TLS itself verified the client chain (require_client_cert). */
  tlsVerifiesClient: boolean;
  tokens: Record<string, TokenGrant>;
}

type AuthContext = ReturnType<ServerUnaryCall<unknown, unknown>["getAuthContext"]>;

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Names a certificate gives its holder: subject CN, DNS and URI SANs. */
export function certificateNames(subject: string | undefined, san: string | undefined): string[] {
  const names: string[] = [];
  const cn = /(?:^|\n|,\s*)CN=([^\n,]+)/.exec(subject ?? "");
  if (cn) names.push(cn[1].trim());
  for (const part of (san ?? "").split(/,\s*/)) {
    const m = /^(DNS|URI):(.+)$/.exec(part.trim());
    if (m) names.push(m[2]);
  }
  return names;
}

export class Authenticator {
  private readonly grants = new Map<string, TokenGrant>();
  private readonly ca: X509Certificate | undefined;

  constructor(private readonly s: AuthSettings) {
    // Keyed by digest: the lookup's timing says nothing about a token's characters.
    for (const [token, grant] of Object.entries(s.tokens)) this.grants.set(sha(token), grant);
    this.ca = s.caPem === undefined ? undefined : new X509Certificate(s.caPem);
  }

  authenticate(metadata: Metadata, auth: AuthContext | null, nowMs = Date.now()): AuthOutcome {
    const cert = auth?.sslPeerCertificate;
    if (cert?.raw !== undefined && this.ca !== undefined) {
      const x = new X509Certificate(cert.raw);
      const trusted =
        this.s.tlsVerifiesClient ||
        (x.checkIssued(this.ca) &&
          x.verify(this.ca.publicKey) &&
          Date.parse(x.validFrom) <= nowMs &&
          nowMs <= Date.parse(x.validTo));
      if (!trusted) {
        return {
          ok: false,
          code: status.UNAUTHENTICATED,
          message: `TW_ERR_AUTH_CERT: client certificate "${x.subject.replace(/\n/g, ", ")}" is not signed by the collector's CA or has expired`,
        };
      }
      const names = certificateNames(x.subject, x.subjectAltName);
      return { ok: true, identity: { via: "mtls", agents: new Set(names), name: names.join(",") } };
    }
    const header = metadata.get("authorization")[0];
    if (typeof header === "string" && header !== "") {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const grant = m ? this.grants.get(sha(m[1])) : undefined;
      if (grant === undefined) {
        return {
          ok: false,
          code: status.UNAUTHENTICATED,
          message: "TW_ERR_AUTH_TOKEN: bearer token not recognised",
        };
      }
      return {
        ok: true,
        identity: {
          via: "token",
          ...(grant.agents.includes("*") ? {} : { agents: new Set(grant.agents) }),
          ...(grant.tenants === undefined ? {} : { tenants: new Set(grant.tenants) }),
          name: `token for ${grant.agents.join(",")}`,
        },
      };
    }
    if (!this.s.tls) return { ok: true, identity: { via: "loopback", name: "loopback" } };
    return {
      ok: false,
      code: status.UNAUTHENTICATED,
      message:
        "TW_ERR_AUTH_MISSING: no verified client certificate (one not signed by the collector's tls.ca is ignored) and no bearer token; the collector needs one of them",
    };
  }
}

/** Whether `identity` may ship batches of `agentId`. */
export function mayShipFor(identity: Identity, agentId: string): boolean {
  return identity.agents === undefined || identity.agents.has(agentId);
}
