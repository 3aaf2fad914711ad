#!/usr/bin/env bash
# Usage: build_standin_base.sh IMAGE
# Builds IMAGE, a stand-in for the public python:3.10-slim-bookworm image, for
# machines that reach Debian's package mirror but no container registry:
# Debian 12 (minbase, from debootstrap) plus this machine's Python 3.10, copied
# to /usr/local as the official image has it. Only the test run uses it; a real
# build takes the public image (Containerfile, BASE_IMAGE).
set -euo pipefail

image="${1:?usage: build_standin_base.sh IMAGE}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
python_home="$(python3.10 -c 'import sys; print(sys.base_prefix)')"

if podman image exists "$image"; then
    echo "Stand-in base $image is already built."
    exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/standin-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

# The shared libraries Python's standard modules load (ssl, ctypes, sqlite3,
# bz2, lzma, readline, uuid), the CA list and time zones, as in python:*-slim.
packages=ca-certificates,netbase,tzdata,libssl3,libffi8,libsqlite3-0,libbz2-1.0,liblzma5,libreadline8,libncursesw6,libuuid1,zlib1g,libexpat1
echo "Stand-in base: debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" \
    | grep -E '^I: (Retrieving|Base system installed)' | sed -n '1p;$p'

echo "Stand-in base: Python from $python_home into /usr/local"
# Without the tests, Tk, IDLE and scripts whose first line names this machine's path.
tar -C "$python_home" -c \
    --exclude='lib/python3.10/test' --exclude='lib/python3.10/idlelib' \
    --exclude='lib/python3.10/tkinter' --exclude='_tkinter*.so' \
    --exclude='lib/python3.10/site-packages/*' --exclude='__pycache__' \
    bin/python3.10 lib include \
    | tar -C "$rootfs/usr/local" -x
ln -s python3.10 "$rootfs/usr/local/bin/python3"
ln -s python3.10 "$rootfs/usr/local/bin/python"
chroot "$rootfs" /sbin/ldconfig
chroot "$rootfs" /usr/local/bin/python3.10 -c 'import ssl, sqlite3, ctypes, bz2, lzma, zoneinfo, venv'

rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
echo "Stand-in base: importing as $image"
tar -C "$rootfs" -c . | podman import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python3"]' \
    - "$image" > /dev/null
echo "Stand-in base $image built."
