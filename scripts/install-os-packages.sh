#!/usr/bin/env bash
# Installs the Debian 12 packages pgaas needs, idempotently. Run as root.
# Debian's maintainer scripts would start sshd, keepalived and a "main" PostgreSQL cluster through
# invoke-rc.d; pgaas runs its own instances, so a temporary policy-rc.d refuses those starts.
set -euo pipefail

packages=(
  postgresql-15 postgresql-15-repmgr postgresql-client-15 pgbackrest
  # connection pooling: the engine runs PgBouncer per pair member (Debian's own unit stays disabled)
  pgbouncer
  keepalived openssh-server openssh-client
  iproute2 iputils-ping procps util-linux
  chromium fonts-liberation
  # pdftotext and pdfinfo: the printable report's test reads back the PDF Chromium printed
  poppler-utils
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-os-packages: must run as root (it installs Debian packages with apt-get)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-os-packages: all ${#packages[@]} packages present"
  exit 0
fi

created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

echo "install-os-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-os-packages: done"
