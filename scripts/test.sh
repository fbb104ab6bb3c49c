#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it needs (Debian packages when root),
# starts PostgreSQL, builds upstream Kubernetes (root), then runs every unit, API (embedded and
# PostgreSQL), client and system test in one node:test run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash scripts/install.sh --system; else bash scripts/install.sh; fi
if [ -z "${PIER_TEST_DATABASE_URL:-}" ] && command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ]; then
  PIER_TEST_DATABASE_URL=$(bash scripts/postgres-up.sh)
  export PIER_TEST_DATABASE_URL
fi
# Upstream Kubernetes for test/system/kubernetes-components (~13 min cold, instant when cached).
# A failed build does not stop the other tests; that test then fails (under CI) for want of it.
if [ "$(id -u)" = 0 ]; then
  if kube=$(bash scripts/build-kubernetes.sh); then
    export PIER_KUBE_BIN=$kube/bin
  else
    echo "test.sh: scripts/build-kubernetes.sh failed; the Kubernetes system test will fail" >&2
    export PIER_KUBE_BIN=/nonexistent/kubernetes-build-failed
  fi
fi
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=2 "${files[@]}"
