#!/usr/bin/env bash
# Usage: build.sh IMAGE BASE_IMAGE MODEL
# Builds the assistant's image (Containerfile) with buildah, which needs no
# daemon. RUN steps use the host's network (chroot isolation); the machine's
# CA bundle is mounted for them only, for pip behind a TLS-inspecting proxy.
set -euo pipefail

image="${1:?usage: build.sh IMAGE BASE_IMAGE MODEL}"
base="${2:?usage: build.sh IMAGE BASE_IMAGE MODEL}"
model="${3:?usage: build.sh IMAGE BASE_IMAGE MODEL}"
ca_bundle="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
mounts=()
[[ -f "$ca_bundle" ]] && mounts=(--volume "$ca_bundle:/run/host-ca.crt:ro")

if [[ ! -f "$model" ]]; then
    echo "No trained model at $model: run make train first." >&2
    exit 1
fi
started=$SECONDS
echo "Building $image from $base with $model"
buildah bud --isolation chroot --format docker --layers \
    --file Containerfile --tag "$image" \
    --build-arg BASE_IMAGE="$base" --build-arg MODEL="$model" \
    "${mounts[@]}" .
size="$(podman image inspect --format '{{.Size}}' "$image")"
echo "Built $image: $(( size / 1000000 )) MB in $(( SECONDS - started )) s."
