// The first-boot script of a pair node (OpenStack user data, GCP startup-script): authorise the
// provider's SSH key for root, allow binding the endpoint address, mount the data volume where the
// pair keeps PostgreSQL's data (formatting it only when blank), install the packages with
// services kept stopped (the pair engine starts what it needs), drop Debian's default cluster, and
// leave a ready marker that PairConfiguration waits for. Safe to run again on every boot.
// The agent needs only Debian's `nodejs` (v18): the pair engine uploads its single-file bundle.

import { createHash } from "node:crypto";
import { shellCommand, shellQuote } from "@pgaas/common";
import { POSTGRES_MAJOR } from "@pgaas/common/wire";

/**
 * The file PairConfiguration waits for before it configures a node. On the root disk, not the data
 * volume: a replacement VM that mounts an old volume still installs its packages.
 */
export const HOST_READY_FILE = "/etc/pgaas/host-ready";

/** Where the data volume is mounted: the engine keeps every member's state and data dir under it. */
export const DATA_MOUNT = "/var/lib/pgaas";
/** The filesystem label of the data volume. */
export const DATA_LABEL = "pgaas-data";
/** How long first boot waits for the data volume to appear (OpenStack attaches it after boot). */
export const DATA_DEVICE_WAIT_SECONDS = 300;

export interface HostSetupInput {
  /** OpenSSH public key line authorised for root (the provider connects with the matching private key). */
  readonly sshPublicKey: string;
  /** Debian packages to install (`hostPackages`). */
  readonly packages: readonly string[];
  /**
   * Stable device paths the data volume may appear under (/dev/disk/by-id/…), first match wins;
   * no data volume when omitted (the data stays on the root disk).
   */
  readonly dataDevices?: readonly string[];
}

/** The oldest Node.js major the agent bundle runs on (agent/build-bundle.ts targets node18). */
export const AGENT_MIN_NODE_MAJOR = 18;

export function hostPackages(endpointKind: "vip" | "load-balancer"): string[] {
  const base = [
    `postgresql-${POSTGRES_MAJOR}`,
    `postgresql-${POSTGRES_MAJOR}-repmgr`,
    "nodejs",
    "rsync",
    "curl",
  ];
  return endpointKind === "vip" ? [...base, "keepalived"] : base;
}

export function renderHostSetupScript(input: HostSetupInput): string {
  const key = input.sshPublicKey.trim();
  if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( [^\n]*)?$/.test(key)) {
    throw new TypeError(
      "sshPublicKey must be one OpenSSH public key line (e.g. 'ssh-ed25519 AAAA… comment')",
    );
  }
  const body = [
    "set -euo pipefail",
    "export DEBIAN_FRONTEND=noninteractive",
    `ready=${shellQuote(HOST_READY_FILE)}`,
    `key=${shellQuote(key)}`,
    "install -d -m 0700 /root/.ssh",
    'grep -qxF "$key" /root/.ssh/authorized_keys 2>/dev/null || printf \'%s\\n\' "$key" >> /root/.ssh/authorized_keys',
    "chmod 0600 /root/.ssh/authorized_keys",
    "printf 'PermitRootLogin prohibit-password\\n' > /etc/ssh/sshd_config.d/60-pgaas.conf",
    "systemctl reload ssh || systemctl reload sshd || true",
    "# The endpoint address is bound before this node holds it.",
    "printf 'net.ipv4.ip_nonlocal_bind = 1\\n' > /etc/sysctl.d/60-pgaas.conf",
    "sysctl -q -p /etc/sysctl.d/60-pgaas.conf",
    ...(input.dataDevices === undefined ? [] : mountDataVolume(input.dataDevices)),
    'if [ -e "$ready" ]; then exit 0; fi',
    "# Package installs must not start services: the pair engine starts what it needs.",
    "created_policy=0",
    "if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d; created_policy=1; fi",
    "apt-get update -q",
    shellCommand(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...input.packages]),
    'if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi',
    ...(input.packages.includes("nodejs")
      ? [
          "# The pair engine uploads the agent as one file for this node; fail here if the runtime is too old.",
          `node -e ${shellQuote(`process.exit(Number(process.versions.node.split(".")[0]) >= ${AGENT_MIN_NODE_MAJOR} ? 0 : 1)`)} || { echo "pgaas: the agent needs Node.js >= ${AGENT_MIN_NODE_MAJOR}" >&2; exit 1; }`,
        ]
      : []),
    "# Debian's default cluster is never used: pgaas runs its own instances.",
    "pg_dropcluster --stop 15 main 2>/dev/null || true",
    ...(input.packages.includes("keepalived")
      ? ["systemctl disable --now keepalived 2>/dev/null || true"]
      : []),
    'install -d -m 0755 "$(dirname "$ready")"',
    'touch "$ready"',
    "",
  ].join("\n");
  const hash = createHash("sha256").update(body).digest("hex");
  return `#!/bin/bash\n# managed by pgaas — do not edit (sha256 ${hash})\n${body}`;
}

/**
 * Wait for the data volume, format it only when it holds no filesystem (a replaced VM keeps the data
 * it finds), and mount it at boot by its stable device path.
 */
function mountDataVolume(devices: readonly string[]): string[] {
  if (devices.length === 0 || devices.some((device) => !device.startsWith("/dev/disk/by-id/"))) {
    throw new TypeError("dataDevices must be stable /dev/disk/by-id/ paths");
  }
  const attempts = DATA_DEVICE_WAIT_SECONDS / 2;
  return [
    "# The data volume: wait for it, format it only when blank, mount it where the pair keeps its data.",
    `data_mount=${shellQuote(DATA_MOUNT)}`,
    "data_device=",
    `for _ in $(seq 1 ${attempts}); do`,
    `  for candidate in ${devices.map(shellQuote).join(" ")}; do`,
    '    if [ -b "$candidate" ]; then data_device=$candidate; break 2; fi',
    "  done",
    "  sleep 2",
    "done",
    `if [ -z "$data_device" ]; then echo "pgaas: the data volume did not appear within ${DATA_DEVICE_WAIT_SECONDS} s" >&2; exit 1; fi`,
    "# blkid exits 2 when the device holds no signature at all; any other failure stops here.",
    'probe=0; blkid -p "$data_device" >/dev/null 2>&1 || probe=$?',
    `if [ "$probe" = 2 ]; then mkfs.ext4 -q -L ${DATA_LABEL} "$data_device"; elif [ "$probe" != 0 ]; then echo "pgaas: cannot probe $data_device (blkid $probe)" >&2; exit 1; fi`,
    'install -d -m 0755 "$data_mount"',
    'grep -qF " $data_mount " /etc/fstab || printf \'%s %s ext4 defaults,nofail 0 2\\n\' "$data_device" "$data_mount" >> /etc/fstab',
    'mountpoint -q "$data_mount" || mount "$data_mount"',
  ];
}
