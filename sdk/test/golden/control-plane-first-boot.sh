#!/bin/bash
# managed by pgaas — do not edit (sha256 e6b8a32952d1690ea5a199bc63d1e4a1eb81115eb5d23d575ffdcf2ded70b14d)
set -euo pipefail
failed=/etc/pgaas/host-failed
install -d -m 0755 "$(dirname "$failed")"
rm -f "$failed"
exec > >(tee -a /var/log/pgaas-host-setup.log) 2>&1
failed_at=
trap 'failed_at="line $LINENO: $BASH_COMMAND"' ERR
trap 'code=$?; if [ "$code" != 0 ]; then [ -n "$failed_at" ] || failed_at=$BASH_COMMAND; printf "exit %s after %s\n" "$code" "$failed_at" > "$failed"; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
ready=/etc/pgaas/host-ready
key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0ZXN0a2V5 runner'
install -d -m 0700 /root/.ssh
grep -qxF "$key" /root/.ssh/authorized_keys 2>/dev/null || printf '%s\n' "$key" >> /root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys
# The SSH host key the program generated and every session pins; sshd serves only this one.
(umask 077 && printf '%s\n' '-----BEGIN OPENSSH PRIVATE KEY-----
AAAAcontrolplane
-----END OPENSSH PRIVATE KEY-----' > /etc/ssh/ssh_host_ed25519_key)
chmod 0600 /etc/ssh/ssh_host_ed25519_key
printf '%s\n' 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNvbnRyb2xwbGFuZQ control-plane' > /etc/ssh/ssh_host_ed25519_key.pub
chmod 0644 /etc/ssh/ssh_host_ed25519_key.pub
printf 'PermitRootLogin prohibit-password\nHostKey %s\n' /etc/ssh/ssh_host_ed25519_key > /etc/ssh/sshd_config.d/60-pgaas.conf
systemctl reload ssh || systemctl reload sshd || true
# The endpoint address is bound before this node holds it.
printf 'net.ipv4.ip_nonlocal_bind = 1\n' > /etc/sysctl.d/60-pgaas.conf
sysctl -q -p /etc/sysctl.d/60-pgaas.conf
# The data volume: wait for it, format it only when blank, mount it where the pair keeps its data.
data_mount=/var/lib/pgaas
data_device=
for _ in $(seq 1 150); do
  for candidate in /dev/disk/by-id/google-pgaas-data; do
    if [ -b "$candidate" ]; then data_device=$candidate; break 2; fi
  done
  sleep 2
done
if [ -z "$data_device" ]; then echo "pgaas: the data volume did not appear within 300 s" >&2; exit 1; fi
# blkid exits 2 when the device holds no signature at all; any other failure stops here.
probe=0; blkid -p "$data_device" >/dev/null 2>&1 || probe=$?
if [ "$probe" = 2 ]; then mkfs.ext4 -q -L pgaas-data "$data_device"; elif [ "$probe" != 0 ]; then echo "pgaas: cannot probe $data_device (blkid $probe)" >&2; exit 1; fi
install -d -m 0755 "$data_mount"
grep -qF " $data_mount " /etc/fstab || printf '%s %s ext4 defaults,nofail 0 2\n' "$data_device" "$data_mount" >> /etc/fstab
mountpoint -q "$data_mount" || mount "$data_mount"
if [ -e "$ready" ]; then exit 0; fi
# Package installs must not start services: the pair engine starts what it needs.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d; created_policy=1; fi
apt-get update -q
apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr
if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
# Debian's default cluster is never used: pgaas runs its own instances.
pg_dropcluster --stop 15 main 2>/dev/null || true
install -d -m 0755 "$(dirname "$ready")"
touch "$ready"
