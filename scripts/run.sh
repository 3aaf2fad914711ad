#!/usr/bin/env bash
# Starts everything a visitor needs: the action server, the Rasa server with
# the REST channel (RASA_WORKERS Sanic workers, default 2, sharing conversation
# locks through a private Redis unless REDIS_URL names one), and the visitor page with the chat widget (web/, served by
# Python's http.server on 127.0.0.1 only). Runs in the foreground; Ctrl-C (or
# SIGTERM) stops all of it.
# Needs no terminal, so it also works when started in the background.
set -euo pipefail

bin="${VENV:-.venv}/bin"
rasa_port="${RASA_PORT:-5005}"
action_port=5055  # endpoints.yml points Rasa here
model="${MODEL:?MODEL must name the trained model; use make run}"
web_port="${WEB_PORT:-8000}"
dashboard_port="${DASHBOARD_PORT:-8001}"
workers="${RASA_WORKERS:-2}"
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
    echo "RASA_WORKERS must be a whole number of at least 1, got '$workers'" >&2
    exit 2
fi
# Browsers may call the webhook only from the page's origin, which they name
# after what the visitor typed: localhost or 127.0.0.1.
read -r -a cors_origins <<< "${CORS_ORIGIN:-http://localhost:${web_port} http://127.0.0.1:${web_port}}"

pids=()
stop_all() {
    trap - INT TERM EXIT
    echo "Stopping the assistant..."
    kill "${pids[@]}" 2> /dev/null || true
    wait "${pids[@]}" 2> /dev/null || true
    if [[ -n "${lock_dir:-}" ]]; then rm -rf "$lock_dir"; fi
}
# Asked to stop (Ctrl-C, SIGTERM): a clean exit. A server dying: its exit code.
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

# rasa-sdk's CLI has no --interface: SANIC_HOST keeps the action server on loopback.
SANIC_HOST=127.0.0.1 "$bin/rasa" run actions --port "$action_port" --actions actions &
pids+=($!)
# Several workers share conversation locks through Redis; one needs none.
if (( workers > 1 )) && [[ -z "${REDIS_URL:-}" ]]; then
    lock_dir="$(mktemp -d -t clinic-locks.XXXXXX)"
    scripts/run_lock_redis.sh "$lock_dir/redis.sock" &
    pids+=($!)
    export REDIS_URL="unix://$lock_dir/redis.sock"
    for _ in $(seq 1 50); do [[ -S "$lock_dir/redis.sock" ]] && break; sleep 0.1; done
fi
# Rasa through its launcher (python -m clinic_rasa): the seam is checked and installed.
SANIC_WORKERS="$workers" "$bin/python" -m clinic_rasa run --model "$model" --interface "${RASA_INTERFACE:-127.0.0.1}" \
    --port "$rasa_port" --credentials credentials.yml \
    --endpoints endpoints.yml --cors "${cors_origins[@]}" &
pids+=($!)
"$bin/python" -m http.server "$web_port" --bind 127.0.0.1 --directory web > /dev/null 2>&1 &
pids+=($!)
# The staff dashboard, on loopback only: other machines reach it through TLS.
"$bin/python" -m staff dashboard --host 127.0.0.1 --port "$dashboard_port" > /dev/null &
pids+=($!)
# E-mail to staff about new callback requests, only when a mail server is set.
if [[ -n "${SMTP_HOST:-}" ]]; then
    DASHBOARD_URL="${DASHBOARD_URL:-http://localhost:${dashboard_port}}" \
        "$bin/python" -m staff notify --watch &
    pids+=($!)
    notifications="e-mailed to ${SMTP_TO:-?} through ${SMTP_HOST}"
else
    notifications="off (README: Telling staff about callback requests)"
fi

ready=""
for _ in $(seq 1 120); do
    if curl -sf "http://localhost:${rasa_port}/" > /dev/null; then
        ready=yes
        cat << MESSAGE

The assistant is ready.
  Visitors chat at:  http://localhost:${web_port}
  Staff dashboard:   http://localhost:${dashboard_port}  (first: ${bin}/python -m staff add-user NAME)
  Callback requests: ${notifications}
  Talk to it:  curl -s localhost:${rasa_port}/webhooks/rest/webhook -d '{"sender":"me","message":"how long does kyphoplasty take"}'
  or, in another terminal:  PYTHONPATH=. ${bin}/python -m clinic_rasa shell --model models --port 5006
  Stop it:     Ctrl-C

MESSAGE
        break
    fi
    sleep 1
done
if [[ -z "$ready" ]]; then
    echo "The Rasa server did not answer on port ${rasa_port} within 120 s;" \
        "it may still be loading: its log is above. Ctrl-C stops everything." >&2
fi

# Whichever server exits first takes the other one down with it.
wait -n "${pids[@]}"
