#!/bin/sh
# The image's command: which part of the assistant this container runs.
#   rasa       the Rasa server with the REST channel on 5005 (the default)
#   actions    the action server on 5055
#   dashboard  the staff dashboard on 8001 (Waitress)
#   notifier   e-mail to staff about new callback requests (SMTP_*)
#   migrate    brings the database schema up to date, then exits
#   staff ...  the staff command line (add-user, list, export, ...)
# Anything else is run as given.
set -eu

require() {
    for name in "$@"; do
        eval "value=\${$name:-}"
        if [ -z "$value" ]; then
            echo "The $role container needs $name (see docs/deploy.md)." >&2
            exit 2
        fi
    done
}

role="${1:-rasa}"
[ "$#" -gt 0 ] && shift
case "$role" in
    rasa)
        require DATABASE_URL ACTION_SERVER_URL REDIS_URL
        # CORS_ORIGINS: the web origins whose pages may call the webhook.
        # shellcheck disable=SC2086
        exec python -m clinic_rasa run --model /app/models --port 5005 \
            --endpoints deploy/endpoints.cluster.yml \
            --credentials deploy/credentials.cluster.yml \
            ${CORS_ORIGINS:+--cors $CORS_ORIGINS} "$@"
        ;;
    actions)
        require DATABASE_URL
        # rasa-sdk has no --interface flag: SANIC_HOST makes it listen on the
        # container's address rather than loopback.
        SANIC_HOST=0.0.0.0 exec rasa run actions --actions actions --port 5055 "$@"
        ;;
    dashboard)
        require DATABASE_URL DASHBOARD_SECRET_KEY
        exec python -m staff dashboard --host 0.0.0.0 --port 8001 "$@"
        ;;
    notifier)
        require DATABASE_URL SMTP_HOST
        exec python -m staff notify --watch "$@"
        ;;
    migrate)
        require DATABASE_URL
        exec alembic upgrade head
        ;;
    staff)
        exec python -m staff "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
