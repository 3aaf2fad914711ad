#!/usr/bin/env bash
# Runs the Redis server that holds the conversation locks of several Rasa
# workers (clinic_rasa/lock_store.py), in the foreground, for as long as the
# assistant runs: a Unix socket only the owner may open (no TCP port, so no
# password to keep), nothing written to disk (a lock lives for one turn).
# Usage: scripts/run_lock_redis.sh SOCKET_PATH
set -euo pipefail
socket="${1:?usage: $0 SOCKET_PATH}"
exec /usr/bin/redis-server --port 0 --unixsocket "$socket" --unixsocketperm 700 \
    --save "" --appendonly no --dir "$(dirname "$socket")" --loglevel warning
