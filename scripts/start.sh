#!/usr/bin/env bash
# `npm start` on a fresh Debian 12 machine: installs what is missing (Debian packages, npm packages,
# the web build), then starts the stack. Needs root: local hosts are Linux network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "… Debian and npm packages"
bash scripts/ensure-installed.sh
if [ ! -f portal/web/dist/index.html ] || [ -n "$(find portal/web/src portal/web/index.html api/src -newer portal/web/dist/index.html -print -quit)" ]; then
  echo "… web portal build"
  npm run build:web --silent
fi
exec node --conditions=pgaas-source --import tsx scripts/start.ts
