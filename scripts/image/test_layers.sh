#!/usr/bin/env bash
# `make test-image-layers`: the image tests' model-free part, in a fresh store
# of their own (scripts/image/test_store.sh): the stand-in base, the image's
# venv stage, and the stand-ins for the public postgres, redis and nginx
# images. `make test` runs it while the assistant trains; test_image.sh then
# only adds the code and the model.
set -euo pipefail
# shellcheck source=scripts/image/test_store.sh
source scripts/image/test_store.sh
fresh_test_store
trap 'remove_test_store' ERR

logged base scripts/image/build_standin_base.sh "$base"
logged runtime scripts/image/build.sh --runtime "$base"
for service in postgres redis nginx; do
    variable="STANDIN_${service^^}"
    logged "$service" buildah bud --isolation chroot --format docker --layers --quiet \
        --file tests/image/standins/Containerfile --target "$service" \
        --build-arg BASE_IMAGE="$base" --tag "${!variable}" tests/image/standins
done
