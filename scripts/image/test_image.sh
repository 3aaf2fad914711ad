#!/usr/bin/env bash
# `make test-image`: adds the code and the model to the layers test_layers.sh
# built, runs tests/image/ against the images (plain containers, the
# Kubernetes files with `podman kube play`, the compose file), then removes
# everything in the tests' store.
set -euo pipefail

model="${MODEL:?MODEL must name the trained model; use make test-image}"
# shellcheck source=scripts/image/test_store.sh
source scripts/image/test_store.sh
trap 'remove_test_store' EXIT

logged image scripts/image/build.sh "$CLINIC_IMAGE" "$base" "$model"
"${VENV:-.venv}/bin/pytest" tests/image
