#!/usr/bin/env bash
# Makes sure Debian's Redis server exists: the cluster's lock store, which lets
# several Rasa servers share conversations (`make run-cluster`, tests/cluster/).
# Installs the package only when missing; never starts a server.
exec "$(dirname "$0")/ensure_debian_package.sh" /usr/bin/redis-server redis-server
