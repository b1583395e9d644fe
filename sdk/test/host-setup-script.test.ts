import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HOST_READY_FILE, hostPackages, renderHostSetupScript } from "../src/plan/host-setup-script.js";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0ZXN0a2V5 pgaas's key";

describe("renderHostSetupScript", () => {
  const script = renderHostSetupScript({ sshPublicKey: KEY, packages: hostPackages("vip") });
  const lines = script.split("\n");

  it("starts with a do-not-edit header carrying the sha256 of the body", () => {
    expect(lines[0]).toBe("#!/bin/bash");
    const body = lines.slice(2).join("\n");
    expect(lines[1]).toBe(
      `# managed by pgaas — do not edit (sha256 ${createHash("sha256").update(body).digest("hex")})`,
    );
  });

  it("authorises the key for root once, quoted as one shell word", () => {
    expect(lines).toContain(`key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0ZXN0a2V5 pgaas'\\''s key'`);
    expect(lines).toContain(
      `grep -qxF "$key" /root/.ssh/authorized_keys 2>/dev/null || printf '%s\\n' "$key" >> /root/.ssh/authorized_keys`,
    );
    expect(lines).toContain(
      "printf 'PermitRootLogin prohibit-password\\n' > /etc/ssh/sshd_config.d/60-pgaas.conf",
    );
  });

  it("installs with services held stopped and leaves the ready marker last", () => {
    const install = lines.indexOf(
      "apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr nodejs rsync curl keepalived",
    );
    const policy = lines.findIndex((line) => line.startsWith("if [ ! -e /usr/sbin/policy-rc.d ]"));
    const removePolicy = lines.indexOf('if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi');
    expect(policy).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(policy);
    expect(removePolicy).toBeGreaterThan(install);
    expect(lines).toContain("pg_dropcluster --stop 15 main 2>/dev/null || true");
    expect(lines).toContain("printf 'net.ipv4.ip_nonlocal_bind = 1\\n' > /etc/sysctl.d/60-pgaas.conf");
    expect(lines.at(-2)).toBe('touch "$ready"');
    expect(lines).toContain(`ready=${HOST_READY_FILE}`);
  });

  it("lists keepalived only for VIP pairs", () => {
    expect(hostPackages("vip")).toEqual([
      "postgresql-15",
      "postgresql-15-repmgr",
      "nodejs",
      "rsync",
      "curl",
      "keepalived",
    ]);
    expect(hostPackages("load-balancer")).toEqual([
      "postgresql-15",
      "postgresql-15-repmgr",
      "nodejs",
      "rsync",
      "curl",
    ]);
  });

  it("unpacks the agent bundle into /opt/pgaas/agent only when one is given", () => {
    expect(script).not.toContain("/opt/pgaas/agent");
    const withAgent = renderHostSetupScript({
      sshPublicKey: KEY,
      packages: hostPackages("vip"),
      agentBundleUrl: "https://artifacts.example.org/pgaas-agent 0.1.0.tgz",
    }).split("\n");
    expect(withAgent).toContain("install -d -m 0755 /opt/pgaas/agent");
    expect(withAgent).toContain(
      "curl -fsSL --retry 5 'https://artifacts.example.org/pgaas-agent 0.1.0.tgz' | tar -xz -C /opt/pgaas/agent",
    );
    expect(withAgent.indexOf("install -d -m 0755 /opt/pgaas/agent")).toBeGreaterThan(
      withAgent.findIndex((line) => line.startsWith("apt-get install")),
    );
  });

  it.each(["", "not a key", "ssh-ed25519 AAAA\nrm -rf /", "ssh-dss AAAAB3"])(
    "refuses the public key %j",
    (key) => {
      expect(() => renderHostSetupScript({ sshPublicKey: key, packages: [] })).toThrow(
        "sshPublicKey must be one OpenSSH public key line",
      );
    },
  );
});
