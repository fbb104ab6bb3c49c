#!/usr/bin/env bash
# Installs Pier's npm packages (as root also the Debian packages its default dataplane and compute
# runtime use), builds, and starts Pier on the embedded store. Arguments go to `pier up` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash scripts/install.sh --runtime; else bash scripts/install.sh; fi
exec node bin/pier.js up "$@"
