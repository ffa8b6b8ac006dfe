#!/bin/sh
# Run once by the postgres image, when its data volume is first initialised (/docker-entrypoint-initdb.d):
# a login role and a database per service. Each role owns its own database, so its migrator can create
# tables there, and nothing else: no superuser, no CREATEDB or CREATEROLE, and CONNECT on each database is
# revoked from PUBLIC, so one service cannot open another's. Passwords come from the environment
# (docker-compose.yml requires them) and reach psql through its environment, never its command line.
set -eu

create_service_database() {
    name="$1"
    SERVICE_DB_PASSWORD="$2" psql --no-psqlrc -v ON_ERROR_STOP=1 --set=name="$name" \
        --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" <<'SQL'
\getenv password SERVICE_DB_PASSWORD
CREATE ROLE :"name" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    echo "created role and database \"$name\""
}

create_service_database availability "${AVAILABILITY_DB_PASSWORD:?AVAILABILITY_DB_PASSWORD is required}"
create_service_database booking "${BOOKING_DB_PASSWORD:?BOOKING_DB_PASSWORD is required}"
create_service_database payment "${PAYMENT_DB_PASSWORD:?PAYMENT_DB_PASSWORD is required}"
