// X.509 building blocks shared by the pair's server certificates (engine) and the client certificates
// and CRLs the control plane issues: names, extensions, RSA signatures, PEM, and the parts of a CA
// certificate an issuer copies into what it signs.
import { createHash, type KeyObject, sign, X509Certificate } from "node:crypto";
import { InputError } from "../errors.js";
import {
  bitString,
  booleanTrue,
  children,
  type Element,
  nullValue,
  objectId,
  octetString,
  sequence,
  set,
  tlv,
  utf8String,
} from "./der.js";

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

export const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectId(oid), ...(critical ? [booleanTrue()] : []), octetString(value));

/** `O=pgaas, CN=<name>` */
export function commonName(name: string): Buffer {
  return sequence(
    set(sequence(objectId("2.5.4.10"), utf8String("pgaas"))),
    set(sequence(objectId("2.5.4.3"), utf8String(name))),
  );
}

export function signatureAlgorithm(key: KeyObject): Buffer {
  // Not Ed25519: PostgreSQL 15's libpq derives SCRAM channel binding from the certificate's signature
  // digest and fails ("could not find digest for NID UNDEF") when there is none. RSA PKCS#1 v1.5 is
  // deterministic (ECDSA is not), so certificates do not change on every bootstrap.
  if (key.asymmetricKeyType === "rsa") return sequence(objectId(SHA256_WITH_RSA), nullValue());
  throw new InputError(
    `a pair CA key must be RSA (got ${key.asymmetricKeyType ?? "unknown"}): deterministic signatures with a digest libpq's channel binding accepts`,
    { code: "tls_ca_key_type" },
  );
}

/** Certificate or CertificateList: the to-be-signed part, the algorithm, the signature. */
export function signed(tbs: Buffer, key: KeyObject): Buffer {
  return sequence(tbs, signatureAlgorithm(key), bitString(sign("sha256", tbs, key)));
}

export function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export function keyIdentifier(spki: Buffer): Buffer {
  return createHash("sha1").update(spki).digest();
}

/** A positive 16-byte serial number from (at least) 15 bytes: 0x40 first keeps it positive and full length. */
export function serialNumber(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x40]), bytes.subarray(0, 15)]);
}

const SUBJECT_KEY_ID = objectId("2.5.29.14");

/** The CA's subjectKeyIdentifier, from the extensions ([3]) of its tbsCertificate fields. */
function subjectKeyIdentifier(fields: readonly Element[]): Buffer | undefined {
  const extensions = fields.find((field) => field.tag === 0xa3);
  if (!extensions) return undefined;
  for (const ext of children(children(extensions.body)[0]?.body ?? Buffer.alloc(0))) {
    const [oid, ...rest] = children(ext.body);
    const value = rest.at(-1);
    if (oid?.raw.equals(SUBJECT_KEY_ID) && value) return children(value.body)[0]?.body;
  }
  return undefined;
}

/** What an issuer copies from its CA certificate: its subject (the issuer name), validity, key id. */
export interface IssuerParts {
  /** the CA certificate, DER */
  readonly der: Buffer;
  /** the DER Name, to be the issuer of what the CA signs */
  readonly subject: Buffer;
  /** the DER Validity */
  readonly validity: Buffer;
  readonly notAfter: Date;
  readonly keyId: Buffer | undefined;
}

export function issuerParts(caCertificate: string): IssuerParts {
  const x509 = new X509Certificate(caCertificate);
  const [caTbs] = children(children(x509.raw)[0]?.body ?? Buffer.alloc(0));
  const fields = children(caTbs?.body ?? Buffer.alloc(0));
  // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, …
  const validity = fields[4];
  const subject = fields[5];
  if (!validity || !subject)
    throw new InputError("the CA certificate is malformed", { code: "tls_ca_invalid" });
  return {
    der: x509.raw,
    subject: subject.raw,
    validity: validity.raw,
    notAfter: new Date(x509.validTo),
    keyId: subjectKeyIdentifier(fields),
  };
}

/** authorityKeyIdentifier: strict verifiers (OpenSSL -x509_strict) want it in everything a CA issues. */
export const authorityKeyId = (keyId: Buffer | undefined): Buffer[] =>
  keyId ? [extension("2.5.29.35", false, sequence(tlv(0x80, keyId)))] : [];
