#!/usr/bin/env bash
# Usage: source scripts/image/test_store.sh
# The image tests' container store and image names, shared by their two steps:
# test_layers.sh builds what needs no model (while the assistant trains, in
# `make test`), test_image.sh adds the model and runs tests/image/. The store
# lives in IMAGE_TEST_DIR (the Makefile names one per checkout), never in the
# machine's own store; `remove_test_store` deletes everything made in it.
test_dir="${IMAGE_TEST_DIR:?IMAGE_TEST_DIR must name the folder for the image tests; use make test-image}"
# shellcheck source=scripts/image/podman_env.sh
source scripts/image/podman_env.sh "$test_dir/containers"
mkdir -p "${RESULTS:-results}/image"

base=localhost/clinic-python-base:3.10-bookworm
export CLINIC_IMAGE=localhost/clinic-assistant:test
export STANDIN_POSTGRES=localhost/clinic-standin-postgres:test
export STANDIN_REDIS=localhost/clinic-standin-redis:test
export STANDIN_NGINX=localhost/clinic-standin-nginx:test

remove_test_store() {
    echo "Removing the image tests' containers, images and store ($test_dir)"
    podman pod rm --all --force > /dev/null 2>&1 || true
    podman rm --all --force > /dev/null 2>&1 || true
    podman system reset --force > /dev/null 2>&1 || true
    rm -rf "$test_dir"
}

# An empty store, whatever an interrupted run left in the folder.
fresh_test_store() {
    remove_test_store > /dev/null
    source scripts/image/podman_env.sh "$test_dir/containers"
}

# Runs a command with its output in results/image/NAME.log; on failure shows
# the log's end. Keeps `make test`'s console readable beside the other checks.
logged() {
    local name="$1"
    shift
    local log="${RESULTS:-results}/image/$name.log"
    local started=$SECONDS
    echo "image $name: started (log: $log)"
    if ! "$@" > "$log" 2>&1; then
        echo "image $name: failed after $(( SECONDS - started )) s; the end of $log:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    echo "image $name: done in $(( SECONDS - started )) s"
}
