import { execFileSync } from "node:child_process";
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

  it("installs Debian's nodejs for the agent and checks its major right after, downloading nothing", () => {
    const check = lines.find((line) => line.startsWith("node -e "));
    expect(check).toBe(
      `node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' || { echo "pgaas: the agent needs Node.js >= 18" >&2; exit 1; }`,
    );
    expect(lines.indexOf(check ?? "")).toBe(
      lines.findIndex((line) => line.startsWith("apt-get install")) + 3,
    );
    expect(script).not.toMatch(/curl -|tar -x|\/opt\/pgaas\/agent/);
    // The check itself, run by this machine's Node (20): passes.
    expect(execFileSync("bash", ["-c", check ?? "exit 9"], { encoding: "utf8" })).toBe("");
    const withoutNode = renderHostSetupScript({ sshPublicKey: KEY, packages: ["postgresql-15"] });
    expect(withoutNode).not.toContain("node -e");
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
