import { connect } from "node:tls";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { generateDevCerts } from "../collector/tls/dev-certs.js";
import { serverCredentials } from "../collector/ingest/credentials.js";
const c = generateDevCerts(["agent-a"]);
const b = (s: string) => Buffer.from(s);
for (const mode of ["plain-ssl", "provider"]) {
  const server = new Server();
  const creds = mode === "plain-ssl" ? ServerCredentials.createSsl(b(c.ca.cert), [{cert_chain: b(c.server.cert), private_key: b(c.server.key)}], false)
    : serverCredentials({cert:"",key:"",ca:"",require_client_cert:false}, {cert:b(c.server.cert), key:b(c.server.key), ca:b(c.ca.cert)});
  const port = await new Promise<number>((ok, fail) => server.bindAsync("127.0.0.1:0", creds, (e, p) => e ? fail(e) : ok(p)));
  await new Promise<void>((ok) => {
    const s = connect({ host: "127.0.0.1", port, ca: b(c.ca.cert), ALPNProtocols: ["h2"], key: b(c.agents["agent-a"].key), cert: b(c.agents["agent-a"].cert) });
    s.on("secureConnect", () => { console.log(mode, "connected", s.authorized, s.authorizationError); s.end(); ok(); });
    s.on("error", (e) => { console.log(mode, "error", e.message); ok(); });
  });
  server.forceShutdown();
}
