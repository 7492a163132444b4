#!/usr/bin/env bash
# Make PostgreSQL's server binaries available for the cluster sweep test
# (spec/sweep/cluster.test.ts), which starts its own throwaway server on 127.0.0.1 in a
# temporary data directory. Nothing is started here. Debian 12: postgresql-15; elsewhere the
# distribution's default version (the test finds /usr/lib/postgresql/<version>/bin, or FSV_PG_BIN).
set -euo pipefail

have() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { [ -n "${FSV_PG_BIN:-}" ] && [ -x "$FSV_PG_BIN/initdb" ]; }; }

if have; then
  echo "PostgreSQL server binaries: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tr '\n' ' ')${FSV_PG_BIN:-}"
  exit 0
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "installing PostgreSQL server binaries with apt-get"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null 2>&1 \
  || $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# The package may start a default cluster on port 5432; the test uses its own server on a free port.

have || { echo "PostgreSQL was installed but no /usr/lib/postgresql/*/bin/initdb was found" >&2; exit 1; }
echo "PostgreSQL server binaries: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
