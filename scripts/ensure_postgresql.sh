#!/usr/bin/env bash
# Makes sure PostgreSQL 15's server binaries exist for the storage tests and the
# cluster, which start throwaway servers of their own (tests/databases.py,
# cluster/postgres.py). Installs Debian's `postgresql` package only when initdb
# is missing; never starts a server. A Debian release that ships another major
# version fails here, with the path it looked for.
exec "$(dirname "$0")/ensure_debian_package.sh" /usr/lib/postgresql/15/bin/initdb postgresql
