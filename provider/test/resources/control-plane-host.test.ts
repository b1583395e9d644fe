// ControlPlaneHost's Check and Diff: the artefact's sha256 recorded by Check (a new artefact is an
// update), every input validated with the property named, and only another host or instance name
// replacing the control plane. (Create runs the engine's installer: test/system/control-plane-host.)
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { memoryLogger } from "@pgaas/common";
import { CONTROL_PLANE_ARTEFACT_PATH } from "@pgaas/portal/artefact";
import { describe, expect, it } from "vitest";
import {
  ControlPlaneHostInputs,
  controlPlaneHostHandler,
  filledInputs,
  generatedFrom,
} from "../../src/resources/control-plane-host.js";

const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";
const cert = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n";
const inputs = {
  host: { name: "control-plane", host: "10.0.0.5", privateKey: key },
  listenAddress: "10.0.0.5",
  certificate: cert,
  privateKey: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
  caCertificate: cert,
  adminEmail: "admin@example.com",
  adminPassword: "a-long-admin-password",
};

describe("ControlPlaneHost check", () => {
  it("fills the defaults and records the built artefact's sha256", async () => {
    const { inputs: checked, failures } = await controlPlaneHostHandler.check({}, inputs);
    expect(failures).toEqual([]);
    expect(checked).toEqual({
      ...inputs,
      name: "main",
      port: 443,
      dnsNames: [],
      readyTimeoutSeconds: 900,
      artefactSha256: createHash("sha256").update(readFileSync(CONTROL_PLANE_ARTEFACT_PATH)).digest("hex"),
    });
  });

  it("names every bad property", async () => {
    const { failures } = await controlPlaneHostHandler.check(
      {},
      { ...inputs, listenAddress: "cp.example.org", adminPassword: "short", name: "Main" },
    );
    expect(failures).toEqual([
      { property: "name", reason: "must match ^[a-z][a-z0-9-]{0,30}$" },
      { property: "listenAddress", reason: "an IP address of the host" },
      { property: "adminPassword", reason: "at least 12 characters" },
    ]);
    const { privateKey: _key, ...withoutKey } = inputs;
    expect((await controlPlaneHostHandler.check({}, withoutKey)).failures).toEqual([
      {
        property: "certificate",
        reason: "give certificate, privateKey and caCertificate together (or none)",
      },
    ]);
  });
});

describe("ControlPlaneHost diff", () => {
  const olds = {
    ...inputs,
    name: "main",
    port: 443,
    readyTimeoutSeconds: 900,
    artefactSha256: "a".repeat(64),
  };

  it("updates in place for a new artefact, certificate or port", async () => {
    const news = { ...olds, artefactSha256: "b".repeat(64), certificate: `${cert}\n`, port: 8443 };
    expect(await controlPlaneHostHandler.diff("id", olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await controlPlaneHostHandler.diff("id", olds, { ...olds })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces for another host or instance name, not for another key to the same host", async () => {
    const moved = { ...olds, host: { ...inputs.host, host: "10.0.0.6" }, name: "second" };
    expect((await controlPlaneHostHandler.diff("id", olds, moved)).replaces).toEqual(["name", "host"]);
    const rekeyed = { ...olds, host: { ...inputs.host, privateKey: `${key}\n` } };
    expect(await controlPlaneHostHandler.diff("id", olds, rekeyed)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("ControlPlaneHost without a certificate or an admin password", () => {
  const bare = ControlPlaneHostInputs.parse({
    host: inputs.host,
    listenAddress: "10.0.0.5",
    dnsNames: ["cp.example.org"],
    adminEmail: "admin@example.com",
    artefactSha256: "a".repeat(64),
  });

  it("generates a CA, a certificate for the address and DNS names, and a password, then reuses them", () => {
    const first = filledInputs(bare, {});
    const names = new X509Certificate(first.certificate).subjectAltName;
    expect(names).toBe("IP Address:10.0.0.5, DNS:cp.example.org");
    expect(
      new X509Certificate(first.certificate).verify(new X509Certificate(first.caCertificate).publicKey),
    ).toBe(true);
    expect(first.adminPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = filledInputs(bare, generatedFrom({ generated: first.generated }));
    expect(again).toEqual(first);
  });

  it("keeps nothing generated for what the inputs give", () => {
    const given = filledInputs(
      ControlPlaneHostInputs.parse({ ...inputs, artefactSha256: "a".repeat(64) }),
      {},
    );
    expect(given).toEqual({
      certificate: inputs.certificate,
      privateKey: inputs.privateKey,
      caCertificate: inputs.caCertificate,
      adminPassword: inputs.adminPassword,
      generated: "{}",
    });
  });
});

describe("ControlPlaneHost delete", () => {
  it("reads where the control plane is from the state, a generated CA among its outputs", async () => {
    const state = {
      host: { name: "control-plane", host: "127.0.0.1", port: 1, privateKey: key },
      name: "main",
      listenAddress: "127.0.0.1",
      adminEmail: "admin@example.com",
      caCertificate: cert,
      artefactSha256: "a".repeat(64),
    };
    const ctx = {
      config: { controlPlaneUrl: undefined, apiToken: undefined },
      log: memoryLogger(),
      warn: async () => {},
    };
    // Past parsing, the SSH connection to a closed port is what fails.
    await expect(controlPlaneHostHandler.delete("id", state, ctx)).rejects.toThrow(/control-plane/);
  });
});
