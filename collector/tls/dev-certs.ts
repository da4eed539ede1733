/**
 * Throwaway TLS material for tests and the demo, in pure JS (node-forge; RSA keys come from
 * Node's native generator): a CA, a server certificate for 127.0.0.1/::1/localhost, and one
 * client certificate per agent whose CN and DNS SAN are the agent id (what mTLS auth reads).
 * Never use these outside a test or demo: the CA key is written next to the certificates.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import forge from "node-forge";

export interface PemPair {
  cert: string;
  key: string;
}

export interface DevCerts {
  ca: PemPair;
  server: PemPair;
  agents: Record<string, PemPair>;
}

const DAY_MS = 86_400_000;

function keyPair(): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

function certificate(
  subjectCn: string,
  keys: forge.pki.rsa.KeyPair,
  issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | undefined,
  extensions: object[],
  validDays: number,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + validDays * DAY_MS);
  const subject = [
    { name: "commonName", value: subjectCn },
    { name: "organizationName", value: "tokenwatt dev" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer === undefined ? subject : issuer.cert.subject.attributes);
  cert.setExtensions(extensions);
  cert.sign(issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return cert;
}

const pem = (cert: forge.pki.Certificate, keys: forge.pki.rsa.KeyPair): PemPair => ({
  cert: forge.pki.certificateToPem(cert),
  key: forge.pki.privateKeyToPem(keys.privateKey),
});

/** A fresh CA, server and agent certificates (valid `validDays`, default 7). */
export function generateDevCerts(
  agentIds: readonly string[],
  validDays = 7,
  caName = "tokenwatt dev CA",
): DevCerts {
  const caKeys = keyPair();
  const caCert = certificate(
    caName,
    caKeys,
    undefined,
    [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
    validDays,
  );
  const issuer = { cert: caCert, key: caKeys.privateKey };
  const serverKeys = keyPair();
  const serverCert = certificate(
    "localhost",
    serverKeys,
    issuer,
    [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
    validDays,
  );
  const agents: Record<string, PemPair> = {};
  for (const id of agentIds) {
    const keys = keyPair();
    const cert = certificate(
      id,
      keys,
      issuer,
      [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", clientAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: id }] },
      ],
      validDays,
    );
    agents[id] = pem(cert, keys);
  }
  return { ca: pem(caCert, caKeys), server: pem(serverCert, serverKeys), agents };
}

export interface DevCertFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  agents: Record<string, { cert: string; key: string }>;
}

/** Writes `certs` as PEM files under `dir` (keys mode 0600); returns their paths. */
export async function writeDevCerts(dir: string, certs: DevCerts): Promise<DevCertFiles> {
  await mkdir(dir, { recursive: true });
  const put = async (name: string, text: string, mode = 0o644) => {
    const path = join(dir, name);
    await writeFile(path, text, { mode });
    return path;
  };
  const files: DevCertFiles = {
    ca: await put("ca.pem", certs.ca.cert),
    serverCert: await put("server.pem", certs.server.cert),
    serverKey: await put("server-key.pem", certs.server.key, 0o600),
    agents: {},
  };
  for (const [id, pair] of Object.entries(certs.agents)) {
    const safe = id.replace(/[^A-Za-z0-9._-]/g, "_");
    files.agents[id] = {
      cert: await put(`agent-${safe}.pem`, pair.cert),
      key: await put(`agent-${safe}-key.pem`, pair.key, 0o600),
    };
  }
  return files;
}
