// The control-plane host's first boot (OpenStack user data, GCP startup-script), golden: the same
// script as a pair node's (failure marker, pinned host key, data volume, packages with services held
// stopped, Debian's cluster dropped, ready marker) with PostgreSQL 15 and repmgr only — the store and
// the witnesses. No Node.js: the control-plane artefact carries its runtime.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { controlPlaneHostPackages, renderHostSetupScript } from "../src/plan/host-setup-script.js";

const GOLDEN = new URL("./golden/control-plane-first-boot.sh", import.meta.url);

const script = renderHostSetupScript({
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0ZXN0a2V5 runner",
  packages: controlPlaneHostPackages(),
  dataDevices: ["/dev/disk/by-id/google-pgaas-data"],
  hostKey: {
    privateKeyOpenssh:
      "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAcontrolplane\n-----END OPENSSH PRIVATE KEY-----\n",
    publicKeyOpenssh: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNvbnRyb2xwbGFuZQ control-plane",
  },
});

describe("control-plane host first boot", () => {
  it("is the golden script byte for byte", () => {
    expect(script).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("is valid bash that installs PostgreSQL 15 and repmgr only, no Node.js", () => {
    expect(execFileSync("bash", ["-n"], { input: script, encoding: "utf8" })).toBe("");
    expect(script.split("\n").filter((line) => line.startsWith("apt-get install"))).toEqual([
      "apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr",
    ]);
    expect(script).not.toMatch(/\bnodejs\b|curl -|wget /);
  });
});
