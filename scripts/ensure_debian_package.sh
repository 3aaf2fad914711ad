#!/usr/bin/env bash
# Usage: ensure_debian_package.sh BINARY PACKAGE
# Makes sure BINARY exists, installing Debian's PACKAGE (as root) only when it
# is missing. Never leaves a system service running: the cluster and the tests
# start their own servers on free loopback ports, so the package's service is
# kept from starting while it installs (policy-rc.d answering 101).
set -euo pipefail

binary="${1:?usage: ensure_debian_package.sh BINARY PACKAGE}"
package="${2:?usage: ensure_debian_package.sh BINARY PACKAGE}"

if [[ -x "$binary" ]]; then
    echo "$package is already installed ($binary)."
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    echo "$package is missing ($binary) and installing it needs root: run this as root." >&2
    exit 1
fi

echo "$package is missing ($binary): installing Debian's $package package."
policy="/usr/sbin/policy-rc.d"
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
fi
echo "+ apt-get update"
apt-get update
echo "+ apt-get install --yes --no-install-recommends $package"
DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends "$package"

if [[ ! -x "$binary" ]]; then
    echo "$package was installed but $binary is still missing." >&2
    exit 1
fi
echo "$package installed ($binary)."
