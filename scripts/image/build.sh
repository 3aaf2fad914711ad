#!/usr/bin/env bash
# Usage: build.sh IMAGE BASE_IMAGE MODEL   the assistant's image, model inside
#        build.sh --runtime BASE_IMAGE      only its model-free stages (the venv)
# Builds the Containerfile with buildah, which needs no daemon. `--layers` keeps
# each step, so a build after `--runtime` only adds the code and the model.
# RUN steps use the host's network (chroot isolation); the machine's CA bundle
# is mounted for them only, for pip behind a TLS-inspecting proxy.
set -euo pipefail

usage="usage: build.sh IMAGE BASE_IMAGE MODEL | build.sh --runtime BASE_IMAGE"
if [[ "${1:-}" == "--runtime" ]]; then
    base="${2:?$usage}"
    what="the model-free stages"
    stage=(--target runtime)
else
    image="${1:?$usage}"
    base="${2:?$usage}"
    model="${3:?$usage}"
    if [[ ! -f "$model" ]]; then
        echo "No trained model at $model: run make train first." >&2
        exit 1
    fi
    what="$image with $model"
    stage=(--tag "$image" --build-arg MODEL="$model")
fi
ca_bundle="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
mounts=()
[[ -f "$ca_bundle" ]] && mounts=(--volume "$ca_bundle:/run/host-ca.crt:ro")

started=$SECONDS
echo "Building $what from $base"
buildah bud --isolation chroot --format docker --layers --file Containerfile \
    --build-arg BASE_IMAGE="$base" "${stage[@]}" "${mounts[@]}" .
if [[ -n "${image:-}" ]]; then
    size="$(podman image inspect --format '{{.Size}}' "$image")"
    echo "Built $image: $(( size / 1000000 )) MB in $(( SECONDS - started )) s."
else
    echo "Built $what in $(( SECONDS - started )) s."
fi
