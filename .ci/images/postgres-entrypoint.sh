#!/bin/sh
# Entry point of the CI stand-in for the official postgres image: the same environment variables
# (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA), the same port, the same readiness, and the
# same /docker-entrypoint-initdb.d scripts.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"

# Like the official image: on a fresh cluster, /docker-entrypoint-initdb.d/*.sh (executed when executable,
# else sourced) and *.sql run against a server that listens on its Unix socket only.
run_init_scripts() {
    [ -n "$(ls -A /docker-entrypoint-initdb.d 2> /dev/null)" ] || return 0
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start > /dev/null
    export POSTGRES_USER="$user" POSTGRES_DB="$database"
    for script in /docker-entrypoint-initdb.d/*; do
        case "$script" in
            *.sh) if [ -x "$script" ]; then "$script"; else . "$script"; fi ;;
            *.sql) psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$user" --dbname "$database" -f "$script" ;;
            *) echo "ignoring $script" ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
}

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
    run_init_scripts
    echo "PostgreSQL init process complete; ready for start up."
fi

# Like the official image: "postgres -c x=y" or just "-c x=y" pass their options to the server.
if [ "${1:-}" = "postgres" ]; then shift; fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
