// The pair CA and issued server certificates, checked by node's X.509 parser and by `openssl verify`
// (the same OpenSSL libpq uses): chain, SANs, determinism, and a CA brought by the operator.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { afterAll, describe, expect, it } from "vitest";
import { generatePairCa, generatePairSecrets, issueServerCertificate, validatePairCa } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pgaas-certs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslVerify(caPem: string, certPem: string, check: string[]): string {
  const ca = join(dir, "ca.crt");
  const cert = join(dir, "server.crt");
  writeFileSync(ca, caPem);
  writeFileSync(cert, certPem);
  try {
    return execFileSync("openssl", ["verify", "-CAfile", ca, ...check, cert], {
      encoding: "utf8",
      stdio: "pipe",
    }).trim();
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ""}${failed.stderr ?? ""}`.trim();
  }
}

describe("pair CA", () => {
  const ca = generatePairCa("orders", new Date("2026-03-01T00:00:00Z"));
  const issued = issueServerCertificate(ca, "orders-n1", ["10.40.0.11", "10.40.0.100", "db.example.com"]);

  it("is a ten-year self-signed RSA CA", () => {
    const cert = new X509Certificate(ca.certificate);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe("O=pgaas\nCN=pgaas orders CA");
    expect(cert.validToDate.toISOString()).toBe("2036-03-01T00:00:00.000Z");
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe("rsa");
  });

  it("issues a server certificate that verifies for every SAN and no other name", () => {
    const cert = new X509Certificate(issued.certificate);
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe("IP Address:10.40.0.11, IP Address:10.40.0.100, DNS:db.example.com");
    expect(cert.checkIssued(new X509Certificate(ca.certificate))).toBe(true);
    expect(
      opensslVerify(ca.certificate, issued.certificate, ["-x509_strict", "-verify_ip", "10.40.0.100"]),
    ).toBe(`${join(dir, "server.crt")}: OK`);
    expect(
      opensslVerify(ca.certificate, issued.certificate, [
        "-x509_strict",
        "-verify_hostname",
        "db.example.com",
      ]),
    ).toBe(`${join(dir, "server.crt")}: OK`);
    expect(opensslVerify(ca.certificate, issued.certificate, ["-verify_ip", "10.40.0.12"])).toContain(
      "IP address mismatch",
    );
    const other = generatePairCa("other");
    expect(opensslVerify(other.certificate, issued.certificate, [])).toContain(
      "unable to get local issuer certificate",
    );
  });

  it("issues the same bytes every time (bootstrap converges) and new ones when SANs change", () => {
    const again = issueServerCertificate(ca, "orders-n1", ["10.40.0.11", "10.40.0.100", "db.example.com"]);
    expect(again.certificate).toBe(issued.certificate);
    expect(again.privateKey.reveal()).toBe(issued.privateKey.reveal());
    const moved = issueServerCertificate(ca, "orders-n1", ["10.40.0.11", "10.40.0.101"]);
    expect(moved.certificate).not.toBe(issued.certificate);
    expect(moved.privateKey.reveal()).toBe(issued.privateKey.reveal());
    expect(issueServerCertificate(ca, "orders-n2", ["10.40.0.12"]).privateKey.reveal()).not.toBe(
      issued.privateKey.reveal(),
    );
  });

  it("accepts an operator's RSA CA and issues deterministic certificates from it", () => {
    const key = join(dir, "byo.key");
    const cert = join(dir, "byo.crt");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        "/CN=operator CA",
        "-days",
        "30",
      ],
      { stdio: "pipe" },
    );
    const byo = {
      certificate: execFileSync("cat", [cert], { encoding: "utf8" }),
      privateKey: new Secret(execFileSync("cat", [key], { encoding: "utf8" })),
    };
    const secrets = generatePairSecrets("orders", { tlsCa: byo });
    expect(secrets.tlsCa?.certificate).toBe(byo.certificate);
    const a = issueServerCertificate(byo, "orders-n1", ["10.40.0.11"]);
    expect(issueServerCertificate(byo, "orders-n1", ["10.40.0.11"]).certificate).toBe(a.certificate);
    // Not -x509_strict: `openssl req` makes a CA without keyUsage, which strict mode refuses.
    expect(opensslVerify(byo.certificate, a.certificate, ["-verify_ip", "10.40.0.11"])).toBe(
      `${join(dir, "server.crt")}: OK`,
    );
  });

  it("refuses a CA whose key does not match, is not a CA, or signs non-deterministically", () => {
    const other = generatePairCa("other");
    expect(() => validatePairCa({ certificate: ca.certificate, privateKey: other.privateKey })).toThrow(
      "the pair CA private key does not match its certificate",
    );
    expect(() => validatePairCa({ certificate: issued.certificate, privateKey: issued.privateKey })).toThrow(
      "the pair CA certificate is not a CA (basicConstraints)",
    );
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const ecKey = join(dir, "ec.key");
    const ecCert = join(dir, "ec.crt");
    writeFileSync(ecKey, ec.export({ format: "pem", type: "pkcs8" }));
    execFileSync(
      "openssl",
      ["req", "-x509", "-key", ecKey, "-out", ecCert, "-subj", "/CN=ec CA", "-days", "30"],
      {
        stdio: "pipe",
      },
    );
    expect(() =>
      validatePairCa({
        certificate: execFileSync("cat", [ecCert], { encoding: "utf8" }),
        privateKey: new Secret(ec.export({ format: "pem", type: "pkcs8" }).toString()),
      }),
    ).toThrow("a pair CA key must be RSA (got ec)");
  });
});
