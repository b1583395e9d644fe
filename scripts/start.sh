#!/usr/bin/env bash
# `npm start` on a fresh Debian 12 machine: installs what is missing (Debian packages, npm packages,
# the web build), then starts the stack. Needs root: local hosts are Linux network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "npm start: run as root (sudo npm start): pgaas creates network namespaces and installs Debian packages" >&2
  exit 1
fi
echo "… Debian packages"
bash scripts/install-os-packages.sh
if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "… npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
if [ ! -f portal/web/dist/index.html ] || [ -n "$(find portal/web/src portal/web/index.html portal/server/src/api -newer portal/web/dist/index.html -print -quit)" ]; then
  echo "… web portal build"
  npm run build:web --silent
fi
exec node --conditions=pgaas-source --import tsx scripts/start.ts
