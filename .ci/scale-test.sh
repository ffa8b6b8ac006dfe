#!/usr/bin/env bash
# CI: several replicas of every internal service on the real Docker engine, one of each killed under load.
# Brings docker-compose.yml up with availability=3, booking=2, payment=2 (and only the gateway's per-client
# limits raised: .ci/scale-test.compose.yml), then .ci/scale-test.py drives searches and bookings (some with
# a declined card) through :5080, checks that an SSE stream sees bookings that other replicas made, kills
# one replica of each service mid-run, waits for every booking to settle, and checks the invariants in the
# databases and each replica's share of calls from its own metrics (Prometheus, :9464/metrics, read from
# inside the container's network namespace: nothing is published for it). Its table goes to
# artifacts/scale.md. Needs a running engine and the stand-in images, like .ci/compose-smoke.sh, and root
# (nsenter).
set -euo pipefail
cd "$(dirname "$0")/.."

export POSTGRES_PASSWORD=ci-superuser AVAILABILITY_DB_PASSWORD=ci-availability \
  BOOKING_DB_PASSWORD=ci-booking PAYMENT_DB_PASSWORD=ci-payment
export COMPOSE_DOCKER_CLI_BUILD=0
# The project and its files for every compose command here and in .ci/scale-test.py.
export COMPOSE_PROJECT_NAME=hotelbooking-scale COMPOSE_FILE=docker-compose.yml:.ci/scale-test.compose.yml
mkdir -p artifacts

cleanup() {
  docker compose logs --no-color > artifacts/scale.log 2>&1 || true
  docker compose down -v --remove-orphans > /dev/null 2>&1 || true
}
trap cleanup EXIT

# The images are the compose smoke's when it ran first (the build is then all cache).
docker compose up -d --build --scale availability=3 --scale booking=2 --scale payment=2 > /dev/null
python3 .ci/scale-test.py
