#!/usr/bin/env bash
# Makes sure PostgreSQL 15's server binaries exist for the storage tests, which
# start a throwaway cluster of their own (tests/databases.py). Installs Debian's
# `postgresql` package only when initdb is missing; never starts a server.
set -euo pipefail

initdb="/usr/lib/postgresql/15/bin/initdb"

if [[ -x "$initdb" ]]; then
    echo "PostgreSQL 15 is already installed ($initdb)."
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    echo "PostgreSQL 15 is missing and installing it needs root: run this as root." >&2
    exit 1
fi

echo "PostgreSQL 15 is missing ($initdb): installing Debian's postgresql package."
echo "+ apt-get update"
apt-get update
echo "+ apt-get install --yes --no-install-recommends postgresql"
DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends postgresql

if [[ ! -x "$initdb" ]]; then
    echo "postgresql was installed but $initdb is still missing." >&2
    echo "This machine's Debian release may ship another major version." >&2
    exit 1
fi
echo "PostgreSQL 15 installed ($initdb)."
