#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it needs (Debian packages when root),
# starts PostgreSQL, then runs every unit, API (embedded and PostgreSQL), client and system test
# in one node:test run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash scripts/install.sh --system; else bash scripts/install.sh; fi
if [ -z "${PIER_TEST_DATABASE_URL:-}" ] && command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ]; then
  PIER_TEST_DATABASE_URL=$(bash scripts/postgres-up.sh)
  export PIER_TEST_DATABASE_URL
fi
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=2 "${files[@]}"
