#!/usr/bin/env bash
# `npm start` on a fresh Debian 12 machine: installs what is missing (Debian packages, npm packages),
# builds what is stale (the packages, the agent artefact, the web portal), then starts the stack from
# those builds. Needs root: local hosts are Linux network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "… Debian and npm packages"
bash scripts/ensure-installed.sh

# True when $1 is missing or any file under the other arguments is newer.
stale() {
  local target=$1
  shift
  [ ! -e "$target" ] || [ -n "$(find "$@" -newer "$target" -print -quit)" ]
}

echo "… packages (tsc -b)"
tsc -b tsconfig.build.json
artefact="agent/dist/pgaas-agent-$(node -p 'require("./agent/package.json").version')-linux-$(node -p process.arch).tar.gz"
if stale "$artefact" agent/src agent/build-bundle.ts agent/build-artefact.ts common/src node_modules/node/package.json; then
  echo "… agent artefact"
  npm run build:agent --silent
fi
if stale portal/web/dist/index.html portal/web/src portal/web/index.html api/src; then
  echo "… web portal build"
  npm run build:web --silent
fi
exec node --conditions=pgaas-source --import tsx scripts/start.ts
