#!/usr/bin/env bash
# `make test-image`: builds the assistant's image and the stand-ins for the
# public base and service images into a container store of this run's own,
# runs tests/image/ against them (plain containers, the Kubernetes files with
# `podman kube play`, the compose file), then removes everything it made.
set -euo pipefail

model="${MODEL:?MODEL must name the trained model; use make test-image}"
run_dir="$(mktemp -d "${TMPDIR:-/var/tmp}/clinic-image-test.XXXXXX")"
# shellcheck source=scripts/image/podman_env.sh
source scripts/image/podman_env.sh "$run_dir/containers"

cleanup() {
    echo "Removing this run's containers, images and store ($run_dir)"
    podman pod rm --all --force > /dev/null 2>&1 || true
    podman rm --all --force > /dev/null 2>&1 || true
    podman system reset --force > /dev/null 2>&1 || true
    rm -rf "$run_dir"
}
trap cleanup EXIT

base=localhost/clinic-python-base:3.10-bookworm
export CLINIC_IMAGE=localhost/clinic-assistant:test
export STANDIN_POSTGRES=localhost/clinic-standin-postgres:test
export STANDIN_REDIS=localhost/clinic-standin-redis:test
export STANDIN_NGINX=localhost/clinic-standin-nginx:test

scripts/image/build_standin_base.sh "$base"
scripts/image/build.sh "$CLINIC_IMAGE" "$base" "$model"
for service in postgres redis nginx; do
    variable="STANDIN_${service^^}"
    echo "Building the $service stand-in (${!variable})"
    buildah bud --isolation chroot --format docker --layers --quiet \
        --file tests/image/standins/Containerfile --target "$service" \
        --build-arg BASE_IMAGE="$base" --tag "${!variable}" tests/image/standins > /dev/null
done

"${VENV:-.venv}/bin/pytest" tests/image
