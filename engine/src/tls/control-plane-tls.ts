// The control plane's own CA and server certificate for a self-hosted stack (`npm start`, test
// stacks): made once in a directory and kept (keys 0600), the certificate reissued for the addresses
// asked for. The CA certificate is what agents and clients pin; a real deployment brings its own.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { generatePairCa, generateServerKey, issueServerCertificate, type PairCa } from "./certificates.js";

export interface ControlPlaneTls {
  /** PEM of the CA: give it to agents (`controlPlane.caFile`) and API clients. */
  readonly caCertificate: string;
  readonly caFile: string;
  /** For PGAAS_TLS_CERT_FILE / PGAAS_TLS_KEY_FILE. */
  readonly certFile: string;
  readonly keyFile: string;
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function keptOrNew(path: string, make: () => string): Secret {
  if (!existsSync(path)) writePrivate(path, make());
  return new Secret(readFileSync(path, "utf8"));
}

/** Creates what is missing in `dir` and (re)issues the server certificate for `altNames`. */
export function ensureControlPlaneTls(dir: string, altNames: readonly string[]): ControlPlaneTls {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, "ca.pem");
  const caKeyFile = join(dir, "ca.key");
  let ca: PairCa;
  if (existsSync(caFile) && existsSync(caKeyFile)) {
    ca = {
      certificate: readFileSync(caFile, "utf8"),
      privateKey: new Secret(readFileSync(caKeyFile, "utf8")),
    };
  } else {
    ca = generatePairCa("control-plane");
    writePrivate(caKeyFile, ca.privateKey.reveal());
    writeFileSync(caFile, ca.certificate, { mode: 0o644 });
  }
  const keyFile = join(dir, "server.key");
  const key = keptOrNew(keyFile, () => generateServerKey().reveal());
  const certFile = join(dir, "server.pem");
  writeFileSync(certFile, issueServerCertificate(ca, "pgaas control plane", altNames, key).certificate, {
    mode: 0o644,
  });
  return { caCertificate: ca.certificate, caFile, certFile, keyFile };
}
