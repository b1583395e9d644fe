// A self-signed RSA certificate authority: the pair's server CA (engine) and its client CA (control
// plane) are both made here.
import { createHash, generateKeyPairSync } from "node:crypto";
import { Secret } from "../secret.js";
import { bitString, booleanTrue, explicit, octetString, sequence, time, unsignedInteger } from "./der.js";
import {
  commonName,
  extension,
  keyIdentifier,
  pem,
  serialNumber,
  signatureAlgorithm,
  signed,
} from "./x509.js";

export interface CertificateAuthority {
  /** PEM */
  readonly certificate: string;
  /** PKCS#8 PEM */
  readonly privateKey: Secret;
}

const CA_YEARS = 10;

/** A new self-signed RSA-3072 CA `O=pgaas, CN=<name>`, valid for ten years. */
export function generateCa(name: string, now: Date = new Date()): CertificateAuthority {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
  const spki = publicKey.export({ format: "der", type: "spki" });
  const subject = commonName(name);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serialNumber(createHash("sha256").update(spki).digest())),
    signatureAlgorithm(privateKey),
    subject,
    sequence(time(new Date(now.getTime() - 3_600_000)), time(notAfter)),
    subject,
    spki,
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence(booleanTrue())),
        // keyCertSign and cRLSign
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
