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
  X509Certificate,
} from "node:crypto";
import { InputError, Secret } from "@pgaas/common";
import {
  authorityKeyId,
  bitString,
  type CertificateAuthority,
  commonName,
  explicit,
  extension,
  generateCa,
  issuerParts,
  objectId,
  pem,
  sequence,
  serialNumber,
  signatureAlgorithm,
  signed,
  tlv,
  unsignedInteger,
} from "@pgaas/common/x509";

/** The pair's server CA: `certificate` is handed to clients (sslrootcert). */
export type PairCa = CertificateAuthority;

export interface IssuedCertificate {
  readonly certificate: string;
  readonly privateKey: Secret;
}

/** A new self-signed RSA-3072 CA valid for ten years, named after the pair. */
export function generatePairCa(pairName: string, now: Date = new Date()): PairCa {
  return generateCa(`pgaas ${pairName} CA`, now);
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

/** PKCS#8 of an Ed25519 key from its 32-byte seed. */
function ed25519FromSeed(seed: Buffer): KeyObject {
  const prefix = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: "der", type: "pkcs8" });
}

/** A server key every browser and TLS client accepts (ECDSA P-256), as PKCS#8 PEM. */
export function generateServerKey(): Secret {
  return new Secret(
    generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ format: "pem", type: "pkcs8" })
      .toString(),
  );
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
  const issuer = issuerParts(ca.certificate);
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
  const serial = createHash("sha256").update(issuer.der).update(spki).update(altNames.join(",")).digest();
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serialNumber(serial)),
    signatureAlgorithm(caKey),
    issuer.subject,
    issuer.validity,
    commonName(subject),
    spki,
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence()),
        extension("2.5.29.15", true, bitString(Buffer.from([0x80]), 7)),
        extension("2.5.29.37", false, sequence(objectId("1.3.6.1.5.5.7.3.1"))),
        extension("2.5.29.17", false, subjectAltNames(altNames)),
        ...authorityKeyId(issuer.keyId),
      ),
    ),
  );
  return {
    certificate: pem("CERTIFICATE", signed(tbs, caKey)),
    privateKey: new Secret(key.export({ format: "pem", type: "pkcs8" }).toString()),
  };
}
