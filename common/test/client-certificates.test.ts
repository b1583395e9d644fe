// Client CA, client certificates and CRLs, checked by node's X.509 parser and by Debian's openssl (the
// OpenSSL PostgreSQL verifies clients with): chain, purpose, CN, expiry, and revocation by CRL.
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { certificateCommonName, generateCa, issueClientCertificate, signCrl } from "../src/x509/index.js";

const dir = mkdtempSync(join(tmpdir(), "pgaas-client-certs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What openssl printed, stdout then stderr (it reports some verdicts on stderr). */
function openssl(args: string[]): string {
  const { stdout, stderr } = spawnSync("openssl", args, { encoding: "utf8", timeout: 10_000 });
  return `${stdout}${stderr}`.trim();
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const now = new Date("2026-12-07T06:00:00Z");
const ca = generateCa("pgaas orders client CA", now);
const notAfter = new Date("2026-12-08T06:00:00.750Z");
const issued = issueClientCertificate(ca, "orders_ro_0a1b2c", notAfter, now);
const other = issueClientCertificate(ca, "orders_rw_3d4e5f", notAfter, now);
const attime = ["-attime", String(now.getTime() / 1000 + 60)];

describe("client certificates", () => {
  it("carry the role as CN, clientAuth only, the requested expiry, and chain to the client CA", () => {
    const cert = new X509Certificate(issued.certificate);
    expect(cert.subject).toBe("O=pgaas\nCN=orders_ro_0a1b2c");
    expect(certificateCommonName(issued.certificate)).toBe("orders_ro_0a1b2c");
    expect(cert.issuer).toBe("O=pgaas\nCN=pgaas orders client CA");
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(cert.validToDate.toISOString()).toBe("2026-12-08T06:00:00.000Z");
    expect(issued.notAfter.toISOString()).toBe("2026-12-08T06:00:00.000Z");
    expect(cert.validFromDate.toISOString()).toBe("2026-12-07T05:55:00.000Z");
    expect(cert.serialNumber.toLowerCase()).toBe(issued.serial);
    expect(issued.serial).toMatch(/^40[0-9a-f]{30}$/);
    expect(cert.fingerprint256.replaceAll(":", "").toLowerCase()).toBe(issued.fingerprint);
    expect(cert.checkIssued(new X509Certificate(ca.certificate))).toBe(true);
    expect(issued.privateKey.reveal()).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(String(issued.privateKey)).toBe("[redacted]");
    expect(issued.serial).not.toBe(other.serial);
  });

  it("verify with openssl for client purpose, strictly, and not past their expiry", () => {
    const caFile = file("ca.crt", ca.certificate);
    const certFile = file("client.crt", issued.certificate);
    const verify = (extra: string[]) =>
      openssl(["verify", "-CAfile", caFile, "-x509_strict", "-purpose", "sslclient", ...extra, certFile]);
    expect(verify(attime)).toBe(`${certFile}: OK`);
    expect(verify(["-purpose", "sslserver", ...attime])).toContain("unsuitable certificate purpose");
    expect(verify(["-attime", String(Math.floor(notAfter.getTime() / 1000) + 1)])).toContain(
      "certificate has expired",
    );
  });

  it("are refused for an expiry in the past or beyond the CA", () => {
    expect(() => issueClientCertificate(ca, "r", new Date(now.getTime() - 1), now)).toThrow(
      "a client certificate must expire in the future",
    );
    expect(() => issueClientCertificate(ca, "r", new Date("2037-01-01T00:00:00Z"), now)).toThrow(
      "a client certificate cannot outlive its CA",
    );
  });
});

describe("CRL", () => {
  const revokedAt = new Date("2026-12-07T06:30:00Z");
  const crl = signCrl(ca, 7, [{ serial: issued.serial, revokedAt }], revokedAt);
  const empty = signCrl(ca, 1, [], now);

  it("is a v2 CRL signed by the client CA, numbered, listing the revoked serial", () => {
    const text = openssl(["crl", "-noout", "-text", "-in", file("list.crl", crl)]);
    expect(text).toContain("Version 2 (0x1)");
    expect(text).toContain("Issuer: O = pgaas, CN = pgaas orders client CA");
    expect(text).toContain("Last Update: Dec  7 06:30:00 2026 GMT");
    expect(text).toContain("Next Update: Dec  7 06:00:00 2036 GMT");
    expect(text).toMatch(/X509v3 CRL Number: \n\s+7\n/);
    expect(text).toContain(`Serial Number: ${issued.serial.toUpperCase()}`);
    expect(text).toContain("Revocation Date: Dec  7 06:30:00 2026 GMT");
    expect(text).not.toContain(other.serial.toUpperCase());
    expect(
      openssl(["crl", "-noout", "-CAfile", file("ca.crt", ca.certificate), "-in", file("list.crl", crl)]),
    ).toBe("verify OK");
    const emptyText = openssl(["crl", "-noout", "-text", "-in", file("empty.crl", empty)]);
    expect(emptyText).toContain("No Revoked Certificates.");
  });

  it("makes openssl refuse the revoked certificate and accept the others", () => {
    const chain = file("chain.pem", `${ca.certificate}${crl}`);
    const verify = (cert: string) =>
      openssl([
        "verify",
        "-crl_check",
        "-CAfile",
        chain,
        "-attime",
        String(revokedAt.getTime() / 1000 + 60),
        file("c.crt", cert),
      ]);
    expect(verify(issued.certificate)).toContain("certificate revoked");
    expect(verify(other.certificate)).toBe(`${join(dir, "c.crt")}: OK`);
  });

  it("from another CA does not vouch for this CA's certificates", () => {
    const stranger = generateCa("pgaas other client CA", now);
    const foreign = issueClientCertificate(stranger, "orders_ro_0a1b2c", notAfter, now);
    const chain = file("chain2.pem", `${ca.certificate}${empty}`);
    expect(
      openssl(["verify", "-crl_check", "-CAfile", chain, ...attime, file("f.crt", foreign.certificate)]),
    ).toContain("unable to get local issuer certificate");
  });
});
