#!/bin/sh
# What the official postgres image does on start, in brief: a new cluster in
# /var/lib/postgresql/data with POSTGRES_USER's password and POSTGRES_DB, then
# the server in the foreground, reachable from other containers by password.
set -eu
data=/var/lib/postgresql/data
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"
if [ ! -s "$data/PG_VERSION" ]; then
    printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > /tmp/pwfile
    chown postgres /tmp/pwfile
    su postgres -c "initdb -D $data --username=$user --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256" > /dev/null
    rm -f /tmp/pwfile
    echo "host all all all scram-sha-256" >> "$data/pg_hba.conf"
    su postgres -c "pg_ctl -D $data -o '-c listen_addresses=' -w start" > /dev/null
    if [ "$database" != postgres ]; then
        su postgres -c "createdb --username=$user $database"
    fi
    su postgres -c "pg_ctl -D $data -m fast -w stop" > /dev/null
fi
exec su postgres -c "postgres -D $data -c listen_addresses='*'"
