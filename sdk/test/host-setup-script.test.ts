import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST_FAILED_FILE, HOST_SETUP_LOG } from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import {
  firstBootGuard,
  HOST_READY_FILE,
  hostPackages,
  renderHostSetupScript,
} from "../src/plan/host-setup-script.js";

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
      "apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr pgbackrest pgbouncer rsync curl keepalived",
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
      "pgbackrest",
      "pgbouncer",
      "rsync",
      "curl",
      "keepalived",
    ]);
    expect(hostPackages("load-balancer")).toEqual([
      "postgresql-15",
      "postgresql-15-repmgr",
      "pgbackrest",
      "pgbouncer",
      "rsync",
      "curl",
    ]);
  });

  it("installs no Node.js and downloads nothing: the agent artefact brings its own runtime", () => {
    expect(lines.filter((line) => /\bnodejs\b|^node /.test(line))).toEqual([]);
    expect(script).not.toMatch(/curl -|wget |tar -x/);
  });

  it("mounts the data volume before the ready check, formatting only a blank one (golden)", () => {
    const withVolume = renderHostSetupScript({
      sshPublicKey: KEY,
      packages: hostPackages("vip"),
      dataDevices: ["/dev/disk/by-id/virtio-0123456789abcdef0123", "/dev/disk/by-id/scsi-0QEMU_x"],
    }).split("\n");
    const start = withVolume.indexOf(
      "# The data volume: wait for it, format it only when blank, mount it where the pair keeps its data.",
    );
    expect(withVolume.slice(start, withVolume.indexOf('if [ -e "$ready" ]; then exit 0; fi'))).toEqual([
      "# The data volume: wait for it, format it only when blank, mount it where the pair keeps its data.",
      "data_mount=/var/lib/pgaas",
      "data_device=",
      "for _ in $(seq 1 150); do",
      "  for candidate in /dev/disk/by-id/virtio-0123456789abcdef0123 /dev/disk/by-id/scsi-0QEMU_x; do",
      '    if [ -b "$candidate" ]; then data_device=$candidate; break 2; fi',
      "  done",
      "  sleep 2",
      "done",
      'if [ -z "$data_device" ]; then echo "pgaas: the data volume did not appear within 300 s" >&2; exit 1; fi',
      "# blkid exits 2 when the device holds no signature at all; any other failure stops here.",
      'probe=0; blkid -p "$data_device" >/dev/null 2>&1 || probe=$?',
      'if [ "$probe" = 2 ]; then mkfs.ext4 -q -L pgaas-data "$data_device"; elif [ "$probe" != 0 ]; then echo "pgaas: cannot probe $data_device (blkid $probe)" >&2; exit 1; fi',
      'install -d -m 0755 "$data_mount"',
      `grep -qF " $data_mount " /etc/fstab || printf '%s %s ext4 defaults,nofail 0 2\\n' "$data_device" "$data_mount" >> /etc/fstab`,
      'mountpoint -q "$data_mount" || mount "$data_mount"',
    ]);
    expect(start).toBeGreaterThan(0);
    expect(execFileSync("bash", ["-n"], { input: withVolume.join("\n"), encoding: "utf8" })).toBe("");
    expect(script).not.toContain("data_device");
  });

  it("refuses data devices that are not stable by-id paths", () => {
    expect(() =>
      renderHostSetupScript({ sshPublicKey: KEY, packages: [], dataDevices: ["/dev/vdb"] }),
    ).toThrow("dataDevices must be stable /dev/disk/by-id/ paths");
  });

  it.each([
    [
      { privateKeyOpenssh: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n", publicKeyOpenssh: "ssh-rsa AAAA" },
      "hostKey.publicKeyOpenssh must be one ssh-ed25519 public key line",
    ],
    [
      { privateKeyOpenssh: "not a key", publicKeyOpenssh: "ssh-ed25519 AAAA\n" },
      "hostKey.privateKeyOpenssh must be an OpenSSH private key",
    ],
  ])("refuses a host key that is not an ed25519 OpenSSH pair (%#)", (hostKey, message) => {
    expect(() => renderHostSetupScript({ sshPublicKey: KEY, packages: [], hostKey })).toThrow(message);
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

describe("first-boot failure marker", () => {
  it("guards the script from its first line, with the marker and log the provider reads", () => {
    const lines = renderHostSetupScript({ sshPublicKey: KEY, packages: [] }).split("\n");
    expect(lines.slice(2, 4 + firstBootGuard(HOST_FAILED_FILE, HOST_SETUP_LOG).length - 1)).toEqual([
      "set -euo pipefail",
      ...firstBootGuard(HOST_FAILED_FILE, HOST_SETUP_LOG),
    ]);
  });

  // These exact lines, run by bash: what a failed, an aborted and a good first boot leave behind.
  async function boot(tail: string[]): Promise<{ code: number; marker: string | undefined; log: string }> {
    const dir = await mkdtemp(join(tmpdir(), "pgaas-first-boot-"));
    try {
      const failed = join(dir, "etc", "host-failed");
      const log = join(dir, "setup.log");
      const script = ["set -euo pipefail", ...firstBootGuard(failed, log), ...tail].join("\n");
      let code = 0;
      try {
        execFileSync("bash", ["-c", script], { stdio: "ignore" });
      } catch (error) {
        code = (error as { status: number }).status;
      }
      // tee may still be flushing after bash exits.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const marker = await readFile(failed, "utf8").catch(() => undefined);
      return { code, marker, log: await readFile(log, "utf8") };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("records the failing command and its line, and keeps the output in the log", async () => {
    expect(await boot(["echo installing", "ls /nonexistent-pgaas-first-boot", "echo never"])).toEqual({
      code: 2,
      marker: "exit 2 after line 10: ls /nonexistent-pgaas-first-boot\n",
      log: "installing\nls: cannot access '/nonexistent-pgaas-first-boot': No such file or directory\n",
    });
  });

  it("records an explicit exit", async () => {
    expect(await boot(['echo "pgaas: the data volume did not appear" >&2; exit 1'])).toEqual({
      code: 1,
      marker: "exit 1 after exit 1\n",
      log: "pgaas: the data volume did not appear\n",
    });
  });

  it("removes the marker of an earlier failed boot when this one succeeds", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pgaas-first-boot-"));
    try {
      const failed = join(dir, "host-failed");
      await writeFile(failed, "exit 1 after exit 1\n");
      execFileSync("bash", [
        "-c",
        ["set -euo pipefail", ...firstBootGuard(failed, join(dir, "log")), "true"].join("\n"),
      ]);
      await expect(readFile(failed, "utf8")).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
