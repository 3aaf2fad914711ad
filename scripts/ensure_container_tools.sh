#!/usr/bin/env bash
# Makes sure the tools that build and run the image exist (`make image`,
# `make test-image`), from Debian's packages: buildah builds without a daemon,
# podman runs (with runc: crun cannot set its limits on this kind of machine),
# catatonit is the pods' pause process, netavark and aardvark-dns give
# container networks their DNS, debootstrap makes the stand-in base, and
# podman-compose plays the compose file. Installs only what is missing.
set -euo pipefail
ensure="$(dirname "$0")/ensure_debian_package.sh"
"$ensure" /usr/bin/buildah buildah
"$ensure" /usr/bin/podman podman
"$ensure" /usr/sbin/runc runc
"$ensure" /usr/bin/catatonit catatonit
"$ensure" /usr/lib/podman/netavark netavark
"$ensure" /usr/lib/podman/aardvark-dns aardvark-dns
"$ensure" /usr/sbin/debootstrap debootstrap
"$ensure" /usr/bin/podman-compose podman-compose
