#!/usr/bin/env bash
# Installs what Pier needs on Debian 12: the npm packages (better-sqlite3 compiles from source,
# about a minute), then builds. With --system (as root), also the Debian packages the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --system ]; then
  pkgs=(postgresql python3-openstackclient python3-openstacksdk runc busybox-static iproute2 nftables iputils-ping netcat-openbsd containernetworking-plugins python3-heatclient openssh-client docker.io)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "install.sh: need root to install: ${missing[*]}" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
