// The control plane's local CA (`npm start`, test stacks): made once and kept, keys 0600, the server
// certificate reissued for the addresses asked for and verifiable against the CA.
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureControlPlaneTls } from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-cp-tls-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ensureControlPlaneTls", () => {
  it("keeps its CA and key across starts and reissues the certificate for new addresses", async () => {
    const first = ensureControlPlaneTls(join(dir, "tls"), ["127.0.0.1"]);
    const firstKey = await readFile(first.keyFile, "utf8");
    const second = ensureControlPlaneTls(join(dir, "tls"), ["127.0.0.1", "10.231.210.1"]);
    expect([second.caCertificate, await readFile(second.keyFile, "utf8")]).toEqual([
      first.caCertificate,
      firstKey,
    ]);
    const ca = new X509Certificate(second.caCertificate);
    const server = new X509Certificate(await readFile(second.certFile, "utf8"));
    expect([
      ca.ca,
      server.ca,
      server.verify(ca.publicKey),
      server.subjectAltName,
      server.publicKey.asymmetricKeyType,
      server.checkIP("10.231.210.1"),
      server.checkIP("10.231.210.2"),
    ]).toEqual([
      true,
      false,
      true,
      "IP Address:127.0.0.1, IP Address:10.231.210.1",
      "ec",
      "10.231.210.1",
      undefined,
    ]);
    const modes = await Promise.all(
      [join(dir, "tls", "ca.key"), second.keyFile, second.caFile, join(dir, "tls")].map(
        async (path) => (await stat(path)).mode & 0o777,
      ),
    );
    expect(modes).toEqual([0o600, 0o600, 0o644, 0o700]);
  });
});
