#!/bin/sh
# Entry point of the CI stand-in for the official postgres image: the same environment variables
# (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA), the same port, the same readiness.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password_file="$(mktemp)"
    printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$password_file"
    initdb --pgdata="$PGDATA" --username="$user" --pwfile="$password_file" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 > /dev/null
    rm -f "$password_file"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ "$database" != "postgres" ]; then
        echo "CREATE DATABASE \"$database\";" | postgres --single -D "$PGDATA" postgres > /dev/null
    fi
    echo "PostgreSQL init process complete; ready for start up."
fi

# Like the official image: "postgres -c x=y" or just "-c x=y" pass their options to the server.
if [ "${1:-}" = "postgres" ]; then shift; fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
