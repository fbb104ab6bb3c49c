#!/usr/bin/env bash
# Installs what Pier needs on Debian 12: the npm packages (better-sqlite3 compiles from source,
# about a minute), then builds (with Go, the CNI plugin too). As root, also Debian packages: with --runtime what the default
# dataplane and compute runtime use (scripts/up.sh), with --system those and what the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
runtime=(runc busybox-static iproute2 nftables util-linux tar e2fsprogs)
tests=(postgresql tempest heat-tempest-plugin magnum-tempest-plugin python3-openstackclient python3-openstacksdk iputils-ping netcat-openbsd containernetworking-plugins python3-heatclient python3-magnumclient openssh-client podman docker.io chromium)
pkgs=()
case "${1:-}" in
  --runtime) pkgs=("${runtime[@]}") ;;
  --system) pkgs=("${runtime[@]}" "${tests[@]}") ;;
esac
if [ ${#pkgs[@]} -gt 0 ]; then
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
# The `pier` CNI plugin (cni/, Go's standard library only) goes to cni/bin/pier, outside dist/
# (which every build wipes); `pier cni install` copies it. Built when Go is there.
GO=$(command -v go || echo /usr/local/go/bin/go)
if [ -x "$GO" ]; then
  (cd cni && GOTOOLCHAIN=local CGO_ENABLED=0 "$GO" build -trimpath -ldflags='-s -w' -o bin/pier .)
else
  echo "install.sh: no Go (/usr/local/go or go on PATH): the pier CNI plugin is not built" >&2
fi
