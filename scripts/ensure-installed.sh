#!/usr/bin/env bash
# What `npm start` and `npm test` need on a fresh Debian 12 machine, installed only when missing:
# Debian packages (scripts/install-os-packages.sh, needs root) and npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "pgaas: run as root (sudo): it installs Debian packages and creates network namespaces for its hosts" >&2
  exit 1
fi
bash scripts/install-os-packages.sh
if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "… npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
# npm puts the Node.js pinned as the `node` devDependency first on the PATH of every npm script; any
# other runtime here means the install is incomplete or this was not started through npm.
pinned_node="v$(node -p 'require("./package.json").devDependencies.node')"
if [ "$(node -v)" != "$pinned_node" ]; then
  echo "pgaas: Node.js $pinned_node expected, found $(node -v) ($(command -v node)): start through npm (npm start, npm test) after npm ci" >&2
  exit 1
fi
