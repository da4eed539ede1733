/**
 * Server credentials from the config. With tls.ca the server asks every client for a
 * certificate; it refuses the handshake without one only under require_client_cert (else a
 * caller may use a bearer token instead, and auth.ts verifies any certificate it got).
 */
import { experimental, ServerCredentials } from "@grpc/grpc-js";
import type { CollectorTls } from "../config/types.js";

/**
 * Hands fixed PEM buffers to grpc-js (no file watching). Listeners are called on the next
 * tick: grpc-js registers its watcher only after adding the listener, so a synchronous
 * update would be lost.
 */
class StaticProvider implements experimental.CertificateProvider {
  constructor(
    private readonly ca: Buffer | undefined,
    private readonly identity: { certificate: Buffer; privateKey: Buffer } | undefined,
  ) {}
  addCaCertificateListener(listener: experimental.CaCertificateUpdateListener): void {
    const ca = this.ca;
    process.nextTick(() => listener(ca === undefined ? null : { caCertificate: ca }));
  }
  removeCaCertificateListener(): void {}
  addIdentityCertificateListener(listener: experimental.IdentityCertificateUpdateListener): void {
    const identity = this.identity ?? null;
    process.nextTick(() => listener(identity));
  }
  removeIdentityCertificateListener(): void {}
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export function serverCredentials(
  tls: CollectorTls | undefined,
  material: TlsMaterial | undefined,
): ServerCredentials {
  if (tls === undefined || material === undefined) return ServerCredentials.createInsecure();
  if (material.ca === undefined) {
    return ServerCredentials.createSsl(
      null,
      [{ cert_chain: material.cert, private_key: material.key }],
      false,
    );
  }
  // One provider for both roles: grpc-js 1.14's createCertificateProviderServerCredentials
  // hands its (ca, identity) arguments to the constructor in the opposite order.
  const provider = new StaticProvider(material.ca, {
    certificate: material.cert,
    privateKey: material.key,
  });
  return experimental.createCertificateProviderServerCredentials(
    provider,
    provider,
    tls.require_client_cert,
  );
}
