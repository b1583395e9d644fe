// What a control plane gets when its owner brings none: a CA of its own (the pair CA machinery) with
// an ECDSA server certificate for its address and DNS names, and the first admin's password. The
// caller keeps them (Pulumi state, as secrets) and hands them back: reissuing from the same CA and key
// gives the same certificate, so a rerun changes nothing on the host.
import { randomBytes } from "node:crypto";
import { Secret } from "@pgaas/common";
import { generatePairCa, generateServerKey, issueServerCertificate } from "../tls/certificates.js";

export interface GeneratedControlPlaneTls {
  readonly caCertificate: string;
  readonly caPrivateKey: Secret;
  readonly serverKey: Secret;
}

export function generateControlPlaneTls(): GeneratedControlPlaneTls {
  const ca = generatePairCa("control-plane");
  return { caCertificate: ca.certificate, caPrivateKey: ca.privateKey, serverKey: generateServerKey() };
}

/** The server certificate for these names from a kept CA and key. */
export function controlPlaneCertificate(kept: GeneratedControlPlaneTls, altNames: readonly string[]): string {
  return issueServerCertificate(
    { certificate: kept.caCertificate, privateKey: kept.caPrivateKey },
    "pgaas control plane",
    altNames,
    kept.serverKey,
  ).certificate;
}

export function generateAdminPassword(): Secret {
  return new Secret(randomBytes(24).toString("base64url"));
}
