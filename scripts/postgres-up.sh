#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 and makes a `pier` role that may create databases (the tests
# make one per suite). Prints the server URL for PIER_TEST_DATABASE_URL.
set -euo pipefail
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
for _ in $(seq 1 100); do su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break; sleep 0.1; done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='pier'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role pier login createdb password 'pier'\"" >/dev/null
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='pier'\"" | grep -q 1 \
  || su postgres -c "createdb -O pier pier"
echo "postgres://pier:pier@127.0.0.1:5432/pier"
