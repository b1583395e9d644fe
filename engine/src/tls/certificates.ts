// The pair's certificate authority and the server certificates it issues to each member.
//
// Issuing is a pure function of (CA, member name, SANs): the member key is derived from the CA key
// with HKDF (Ed25519) and signed with a deterministic signature (RSA PKCS#1 v1.5 SHA-256), and the certificate copies the CA's validity. So the renderers stay pure, a
// re-run of bootstrap writes identical bytes (zero changes), and a changed endpoint reissues exactly
// the certificates whose SANs changed. A derived key reveals nothing about the CA key (HKDF is one-way).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  sign,
  X509Certificate,
} from "node:crypto";
import { InputError, Secret } from "@pgaas/common";
import {
  bitString,
  booleanTrue,
  children,
  type Element,
  explicit,
  nullValue,
  objectId,
  octetString,
  sequence,
  set,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from "./der.js";

export interface PairCa {
  /** PEM, handed to clients (sslrootcert). */
  readonly certificate: string;
  /** PKCS#8 PEM */
  readonly privateKey: Secret;
}

export interface IssuedCertificate {
  readonly certificate: string;
  readonly privateKey: Secret;
}

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const CA_YEARS = 10;

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectId(oid), ...(critical ? [booleanTrue()] : []), octetString(value));

function commonName(name: string): Buffer {
  return sequence(
    set(sequence(objectId("2.5.4.10"), utf8String("pgaas"))),
    set(sequence(objectId("2.5.4.3"), utf8String(name))),
  );
}

function signatureAlgorithm(key: KeyObject): Buffer {
  // Not Ed25519: PostgreSQL 15's libpq derives SCRAM channel binding from the certificate's signature
  // digest and fails ("could not find digest for NID UNDEF") when there is none. RSA PKCS#1 v1.5 is
  // deterministic (ECDSA is not), so certificates do not change on every bootstrap.
  if (key.asymmetricKeyType === "rsa") return sequence(objectId(SHA256_WITH_RSA), nullValue());
  throw new InputError(
    `a pair CA key must be RSA (got ${key.asymmetricKeyType ?? "unknown"}): deterministic signatures with a digest libpq's channel binding accepts`,
    { code: "tls_ca_key_type" },
  );
}

function signed(tbs: Buffer, key: KeyObject): Buffer {
  return sequence(tbs, signatureAlgorithm(key), bitString(sign("sha256", tbs, key)));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function keyIdentifier(spki: Buffer): Buffer {
  return createHash("sha1").update(spki).digest();
}

/** A new self-signed RSA-3072 CA valid for ten years, named after the pair. */
export function generatePairCa(pairName: string, now: Date = new Date()): PairCa {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
  const spki = publicKey.export({ format: "der", type: "spki" });
  const name = commonName(`pgaas ${pairName} CA`);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(
      Buffer.concat([Buffer.from([0x40]), createHash("sha256").update(spki).digest().subarray(0, 15)]),
    ),
    signatureAlgorithm(privateKey),
    name,
    sequence(time(new Date(now.getTime() - 3_600_000)), time(notAfter)),
    name,
    spki,
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence(booleanTrue())),
        extension("2.5.29.15", true, bitString(Buffer.from([0x06]), 1)),
        extension("2.5.29.14", false, octetString(keyIdentifier(spki))),
      ),
    ),
  );
  return {
    certificate: pem("CERTIFICATE", signed(tbs, privateKey)),
    privateKey: new Secret(privateKey.export({ format: "pem", type: "pkcs8" }).toString()),
  };
}

/** Checks an operator's CA: a CA certificate, its matching key, a deterministic signature algorithm. */
export function validatePairCa(ca: PairCa): void {
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(ca.certificate);
    key = createPrivateKey(ca.privateKey.reveal());
  } catch {
    throw new InputError("the pair CA is not a PEM certificate and private key", { code: "tls_ca_invalid" });
  }
  if (!certificate.ca)
    throw new InputError("the pair CA certificate is not a CA (basicConstraints)", {
      code: "tls_ca_invalid",
    });
  if (!certificate.checkPrivateKey(key))
    throw new InputError("the pair CA private key does not match its certificate", {
      code: "tls_ca_invalid",
    });
  signatureAlgorithm(key);
}

function isIpv4(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value);
}

function subjectAltNames(names: readonly string[]): Buffer {
  return sequence(
    ...names.map((name) =>
      isIpv4(name)
        ? tlv(0x87, Buffer.from(name.split(".").map(Number)))
        : tlv(0x82, Buffer.from(name, "ascii")),
    ),
  );
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

/** PKCS#8 of an Ed25519 key from its 32-byte seed. */
function ed25519FromSeed(seed: Buffer): KeyObject {
  const prefix = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: "der", type: "pkcs8" });
}

/**
 * The server certificate of one pair member: CN `<pair>-<member>`, the given addresses and DNS names
 * as SANs (verify-full checks the host the client dialled against them), serverAuth only. The key is
 * derived from the CA's unless `subjectKey` is given (browsers accept no Ed25519 server key: the
 * control plane's portal brings an ECDSA one).
 */
export function issueServerCertificate(
  ca: PairCa,
  subject: string,
  altNames: readonly string[],
  subjectKey?: Secret,
): IssuedCertificate {
  const caKey = createPrivateKey(ca.privateKey.reveal());
  const caDer = new X509Certificate(ca.certificate).raw;
  const [caTbs] = children(children(caDer)[0]?.body ?? Buffer.alloc(0));
  const fields = children(caTbs?.body ?? Buffer.alloc(0));
  // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, …
  const caValidity = fields[4];
  const caSubject = fields[5];
  if (!caValidity || !caSubject)
    throw new InputError("the pair CA certificate is malformed", { code: "tls_ca_invalid" });
  const caKeyId = subjectKeyIdentifier(fields);
  const key = subjectKey
    ? createPrivateKey(subjectKey.reveal())
    : ed25519FromSeed(
        Buffer.from(
          hkdfSync(
            "sha256",
            caKey.export({ format: "der", type: "pkcs8" }),
            "pgaas-tls",
            `server:${subject}`,
            32,
          ),
        ),
      );
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  const serial = createHash("sha256").update(caDer).update(spki).update(altNames.join(",")).digest();
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(Buffer.concat([Buffer.from([0x40]), serial.subarray(0, 15)])),
    signatureAlgorithm(caKey),
    caSubject.raw,
    caValidity.raw,
    commonName(subject),
    spki,
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence()),
        extension("2.5.29.15", true, bitString(Buffer.from([0x80]), 7)),
        extension("2.5.29.37", false, sequence(objectId("1.3.6.1.5.5.7.3.1"))),
        extension("2.5.29.17", false, subjectAltNames(altNames)),
        // Strict verifiers (OpenSSL -x509_strict) want the issuer's key id in every issued certificate.
        ...(caKeyId ? [extension("2.5.29.35", false, sequence(tlv(0x80, caKeyId)))] : []),
      ),
    ),
  );
  return {
    certificate: pem("CERTIFICATE", signed(tbs, caKey)),
    privateKey: new Secret(key.export({ format: "pem", type: "pkcs8" }).toString()),
  };
}
