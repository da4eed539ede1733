/**
 * Server credentials from the config. With tls.ca the server asks every client for a
 * certificate; it refuses the handshake without one only under require_client_cert (else a
 * caller may use a bearer token instead, and auth.ts verifies any certificate it got).
 */
import { experimental, ServerCredentials } from "@grpc/grpc-js";
import type { CollectorTls } from "../config/types.js";

/** Hands fixed PEM buffers to grpc-js (no file watching, no timers). */
class StaticProvider implements experimental.CertificateProvider {
  constructor(
    private readonly ca: Buffer | undefined,
    private readonly identity: { certificate: Buffer; privateKey: Buffer } | undefined,
  ) {}
  addCaCertificateListener(listener: experimental.CaCertificateUpdateListener): void {
    listener(this.ca === undefined ? null : { caCertificate: this.ca });
  }
  removeCaCertificateListener(): void {}
  addIdentityCertificateListener(listener: experimental.IdentityCertificateUpdateListener): void {
    listener(this.identity ?? null);
  }
  removeIdentityCertificateListener(): void {}
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export function serverCredentials(tls: CollectorTls | undefined, material: TlsMaterial | undefined): ServerCredentials {
  if (tls === undefined || material === undefined) return ServerCredentials.createInsecure();
  if (material.ca === undefined) {
    return ServerCredentials.createSsl(null, [{ cert_chain: material.cert, private_key: material.key }], false);
  }
  return experimental.createCertificateProviderServerCredentials(
    new StaticProvider(material.ca, undefined),
    new StaticProvider(undefined, { certificate: material.cert, privateKey: material.key }),
    tls.require_client_cert,
  );
}
