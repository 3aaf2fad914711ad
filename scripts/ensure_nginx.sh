#!/usr/bin/env bash
# Makes sure Debian's nginx exists: the cluster's load balancer in front of the
# Rasa servers (`make run-cluster`, tests/cluster/). Installs the package only
# when missing; never starts a server.
exec "$(dirname "$0")/ensure_debian_package.sh" /usr/sbin/nginx nginx
