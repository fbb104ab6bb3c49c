#!/usr/bin/env bash
# Installs Pier's npm packages, builds, and starts Pier on the embedded store.
# Arguments go to `pier up` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node bin/pier.js up "$@"
