// Client certificates for certificate authentication: issued by a pair's client CA with the login role
// as the CN (PostgreSQL's `cert` method matches the CN against the user name), clientAuth only, a
// fresh ECDSA P-256 key that the caller hands out once and never stores.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { InputError } from "../errors.js";
import { Secret } from "../secret.js";
import type { CertificateAuthority } from "./ca.js";
import { bitString, explicit, objectId, sequence, time, unsignedInteger } from "./der.js";
import {
  authorityKeyId,
  commonName,
  extension,
  issuerParts,
  pem,
  serialNumber,
  signatureAlgorithm,
  signed,
} from "./x509.js";

export interface ClientCertificate {
  /** PEM */
  readonly certificate: string;
  /** PKCS#8 PEM: shown once, never stored */
  readonly privateKey: Secret;
  /** lower-case hex, as a CRL and `openssl x509 -serial` name it */
  readonly serial: string;
  /** SHA-256 of the DER certificate, lower-case hex */
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Clock skew between the control plane and the nodes that a fresh certificate tolerates. */
const NOT_BEFORE_SKEW_MS = 5 * 60_000;

export function issueClientCertificate(
  ca: CertificateAuthority,
  role: string,
  notAfter: Date,
  now: Date = new Date(),
): ClientCertificate {
  const issuer = issuerParts(ca.certificate);
  if (notAfter.getTime() <= now.getTime())
    throw new InputError("a client certificate must expire in the future", { code: "certificate_expiry" });
  if (notAfter > issuer.notAfter)
    throw new InputError("a client certificate cannot outlive its CA", { code: "certificate_expiry" });
  const caKey = createPrivateKey(ca.privateKey.reveal());
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serial = serialNumber(randomBytes(15));
  const notBefore = new Date(now.getTime() - NOT_BEFORE_SKEW_MS);
  // X.509 times have whole seconds: what the certificate says is what we report.
  const seconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    signatureAlgorithm(caKey),
    issuer.subject,
    sequence(time(notBefore), time(notAfter)),
    commonName(role),
    publicKey.export({ format: "der", type: "spki" }),
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence()),
        // digitalSignature only
        extension("2.5.29.15", true, bitString(Buffer.from([0x80]), 7)),
        extension("2.5.29.37", false, sequence(objectId("1.3.6.1.5.5.7.3.2"))),
        ...authorityKeyId(issuer.keyId),
      ),
    ),
  );
  const der = signed(tbs, caKey);
  return {
    certificate: pem("CERTIFICATE", der),
    privateKey: new Secret(privateKey.export({ format: "pem", type: "pkcs8" }).toString()),
    serial: serial.toString("hex"),
    fingerprint: createHash("sha256").update(der).digest("hex"),
    notBefore: seconds(notBefore),
    notAfter: seconds(notAfter),
  };
}

/** The CN of a PEM certificate (the role a client certificate logs in as). */
export function certificateCommonName(certificate: string): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(certificate).subject)?.[1];
}
