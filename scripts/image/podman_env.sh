#!/usr/bin/env bash
# Usage: source scripts/image/podman_env.sh DIR
# Points podman and buildah at a store, runtime state and network settings of
# their own under DIR, so a test run never touches the machine's containers and
# removing DIR (after `podman system reset`) removes everything it made.
# On this kind of machine crun cannot set its limits and there is no systemd:
# runc, capped ulimits and cgroupfs are what work (docs/deploy.md, "Image").
containers_dir="${1:?usage: source podman_env.sh DIR}"
mkdir -p "$containers_dir"/{storage,run,networks,tmp}
hard_nofile="$(ulimit -Hn)"
cat > "$containers_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=${hard_nofile}:${hard_nofile}", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${containers_dir}/events.log"
tmp_dir = "${containers_dir}/run/libpod-tmp"

[network]
network_backend = "netavark"
network_config_dir = "${containers_dir}/networks"
CONF
cat > "$containers_dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "${containers_dir}/storage"
runroot = "${containers_dir}/run"
CONF
export CONTAINERS_CONF="$containers_dir/containers.conf"
export CONTAINERS_STORAGE_CONF="$containers_dir/storage.conf"
export TMPDIR="$containers_dir/tmp"
