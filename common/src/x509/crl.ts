// A certificate revocation list (RFC 5280 5.1, v2) signed by a client CA: what PostgreSQL's
// ssl_crl_file holds. Its number grows with every revocation so a node can say which one it has.
import { createPrivateKey } from "node:crypto";
import type { CertificateAuthority } from "./ca.js";
import { explicit, sequence, time, unsignedInteger } from "./der.js";
import { authorityKeyId, extension, issuerParts, pem, signatureAlgorithm, signed } from "./x509.js";

export interface RevokedCertificate {
  /** hex, as ClientCertificate.serial */
  readonly serial: string;
  readonly revokedAt: Date;
}

/**
 * `nextUpdate` is the CA's own expiry: OpenSSL refuses every certificate once the CRL it checks
 * against is past its nextUpdate, so a CRL must never lapse before the certificates it covers.
 */
export function signCrl(
  ca: CertificateAuthority,
  crlNumber: number,
  revoked: readonly RevokedCertificate[],
  now: Date = new Date(),
): string {
  const issuer = issuerParts(ca.certificate);
  const caKey = createPrivateKey(ca.privateKey.reveal());
  const entries = revoked.map((entry) =>
    sequence(unsignedInteger(Buffer.from(entry.serial, "hex")), time(entry.revokedAt)),
  );
  const number = Buffer.alloc(6);
  number.writeUIntBE(crlNumber, 0, 6);
  const tbs = sequence(
    unsignedInteger(Buffer.from([1])),
    signatureAlgorithm(caKey),
    issuer.subject,
    time(now),
    time(issuer.notAfter),
    // An empty revokedCertificates must be left out, not written empty.
    ...(entries.length > 0 ? [sequence(...entries)] : []),
    explicit(
      0,
      sequence(extension("2.5.29.20", false, unsignedInteger(number)), ...authorityKeyId(issuer.keyId)),
    ),
  );
  return pem("X509 CRL", signed(tbs, caKey));
}
