#!/usr/bin/env bash
# CI: docker-compose.yml for real, on the local engine. Builds the images from the services' own
# Dockerfiles (restore and publish inside the SDK image), brings the stack up scaled (availability=3,
# booking=2, payment=2: the one-shot *-migrate jobs must have migrated each database once), waits
# until the gateway is healthy, books a room through the REST API on :5080, checks that nothing but the
# gateway and the dashboard is published, then takes it all down with its volumes. Needs a running
# engine (.ci/docker-engine.sh) and the stand-in base images (.ci/images/build-standins.sh).
# The user's commands, exactly: docker compose up -d --build --scale …, then docker compose down -v.
set -euo pipefail
cd "$(dirname "$0")/.."

# docker-compose.yml requires its passwords; these are for this throwaway stack only.
export POSTGRES_PASSWORD=ci-superuser AVAILABILITY_DB_PASSWORD=ci-availability \
  BOOKING_DB_PASSWORD=ci-booking PAYMENT_DB_PASSWORD=ci-payment

project=hotelbooking-ci
# Compose v1 builds through the engine's API (the classic builder) rather than a newer docker CLI.
export COMPOSE_DOCKER_CLI_BUILD=0
compose() { docker compose -p "$project" "$@"; }
report=artifacts/compose.md
mkdir -p artifacts

cleanup() {
  compose logs --no-color > artifacts/compose.log 2>&1 || true
  compose down -v --remove-orphans > /dev/null 2>&1 || true
}
trap cleanup EXIT

seconds_since() { echo "$(date +%s.%N) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

build_start=$(date +%s.%N)
compose build -q
build_time=$(seconds_since "$build_start")

up_start=$(date +%s.%N)
compose up -d --build --scale availability=3 --scale booking=2 --scale payment=2
gateway="$(compose ps -q gateway)"
until [ "$(docker inspect -f '{{.State.Health.Status}}' "$gateway")" = healthy ]; do
  if [ "$(seconds_since "$up_start" | cut -d. -f1)" -ge 180 ]; then
    echo "the gateway was not healthy after 180 s" >&2
    compose ps >&2
    exit 1
  fi
  sleep 0.5
done
up_time=$(seconds_since "$up_start")
echo "compose: images built in ${build_time} s; up to a healthy gateway in ${up_time} s"

# Every replica came up, and each database was migrated by its job, which then exited 0.
for scaled in availability:3 booking:2 payment:2; do
  name="${scaled%%:*}"
  for container in $(compose ps -q "$name"); do
    docker inspect -f '{{.State.Health.Status}}' "$container" | grep -qx healthy \
      || { echo "a $name replica is not healthy" >&2; exit 1; }
  done
  [ "$(compose ps -q "$name" | wc -l)" -eq "${scaled#*:}" ] || { echo "expected ${scaled#*:} $name replicas" >&2; exit 1; }
  [ "$(docker inspect -f '{{.State.ExitCode}}' "$(compose ps -a -q "$name-migrate")")" = 0 ] \
    || { echo "$name-migrate did not exit 0" >&2; exit 1; }
done

# The REST booking flow, as a browser client would run it.
python3 - <<'PY'
import datetime, json, time, urllib.request, urllib.error, uuid

base = "http://localhost:5080"
def call(method, path, body=None, expect=200, headers={}):
    request = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers})
    try:
        response = urllib.request.urlopen(request, timeout=30)
        status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    assert status == expect, f"{method} {path}: {status}, expected {expect}: {payload[:500]!r}"
    return json.loads(payload) if payload else None

hotels = call("GET", "/api/hotels")
# The generated catalogue, seeded once by availability-migrate: 200 hotels, the hand-made ones first.
assert len(hotels) == 200 and any(h["id"] == "alfama-riverside" for h in hotels), len(hotels)
cities = call("GET", "/api/cities")
assert len(cities) == 20 and sum(c["hotelCount"] for c in cities) == 200, cities
check_in = datetime.date.today() + datetime.timedelta(days=30)
check_out = check_in + datetime.timedelta(days=2)
stay = f"checkIn={check_in}&checkOut={check_out}&guests=2"
rooms = call("GET", f"/api/hotels/alfama-riverside/availability?{stay}")
before = next(r for r in rooms["rooms"] if r["roomTypeId"] == "alfama-riverside-double")["available"]
# As the API asks of a client: with an Idempotency-Key, repeated after a 504. Replicas that have not served
# a request yet (JIT, first connections) can take the first booking past the gateway's 10 s deadline on a
# busy machine; the repeat finds the same booking, never a second one.
order = {
    "hotelId": "alfama-riverside", "roomTypeId": "alfama-riverside-double",
    "checkIn": str(check_in), "checkOut": str(check_out), "guests": 2,
    "guest": {"name": "Ana Lima", "email": "ana@example.com"}, "paymentToken": "tok_visa"}
key = {"Idempotency-Key": uuid.uuid4().hex}
for attempt in range(1, 5):
    try:
        booking = call("POST", "/api/bookings", order, expect=201, headers=key)
        break
    except AssertionError as failure:
        if ": 504," not in str(failure) or attempt == 4:
            raise
        print(f"compose: booking attempt {attempt} answered 504 (cold replicas); repeating with the same key")
        time.sleep(2)
assert booking["status"] == "Confirmed", booking
assert call("GET", f"/api/bookings/{booking['id']}")["status"] == "Confirmed"
rooms = call("GET", f"/api/hotels/alfama-riverside/availability?{stay}")
after = next(r for r in rooms["rooms"] if r["roomTypeId"] == "alfama-riverside-double")["available"]
assert after == before - 1, (before, after)
call("POST", f"/api/bookings/{booking['id']}/cancel")
call("POST", "/api/bookings", {"hotelId": "nowhere"}, expect=400)
with urllib.request.urlopen("http://127.0.0.1:18888/", timeout=30) as dashboard:
    assert dashboard.status == 200, dashboard.status
print(f"compose: REST flow on :5080 passed (booking {booking['id']} confirmed, then cancelled)")
PY

# Nothing but 5080 and 5081 is published on all interfaces, and the dashboard on loopback only; no service
# or database port answers on this host.
published="$(compose ps -q | xargs -n 1 docker port | grep -oE '[0-9.]+:[0-9]+$' | sort -u | tr '\n' ' ')"
[ "$published" = "0.0.0.0:5080 0.0.0.0:5081 127.0.0.1:18888 " ] || { echo "unexpected published ports: $published" >&2; exit 1; }
# Does one of our servers answer there? A TCP connect, even a protocol's first bytes, prove nothing on a
# network whose egress proxy accepts every connection and speaks HTTP/2, so each probe asks for what only
# ours would say: PostgreSQL's answer to an SSLRequest (one byte, S or N), a service's "Healthy" on its
# gRPC port (HTTP/2) or its management port (HTTP/1.1, 9464).
answers() {
  local kind="$1" host="$2" port="$3"
  if [ "$kind" = http2 ] || [ "$kind" = http1 ]; then
    local version=(--http1.1)
    [ "$kind" = http2 ] && version=(--http2-prior-knowledge)
    [ "$(curl -s -m 3 "${version[@]}" "http://$host:$port/health" 2> /dev/null)" = Healthy ]
    return
  fi
  python3 - "$host" "$port" <<'PY'
import socket, struct, sys
try:
    with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2) as s:
        s.settimeout(2)
        s.sendall(struct.pack("!ii", 8, 80877103))
        sys.exit(0 if s.recv(1) in (b"S", b"N") else 1)
except OSError:
    sys.exit(1)
PY
}
# The probe itself must see the servers that are meant to answer.
answers http2 127.0.0.1 5081 || { echo "the HTTP/2 probe does not see the gateway's gRPC edge" >&2; exit 1; }
answers http1 127.0.0.1 5080 || { echo "the HTTP/1.1 probe does not see the gateway's REST port" >&2; exit 1; }
for target in postgres:5432 http2:8080 http1:9464; do
  if answers "${target%%:*}" 127.0.0.1 "${target#*:}"; then
    echo "a ${target%%:*} server answers on this host's port ${target#*:}" >&2
    exit 1
  fi
done
# Nor at the containers' own addresses: the internal network gives the host no address and no route.
for service in postgres:postgres:5432 availability:http2:8080 payment:http2:8080 booking:http2:8080 \
               availability:http1:9464 payment:http1:9464 booking:http1:9464; do
  IFS=: read -r name kind port <<< "$service"
  for address in $(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' $(compose ps -q "$name")); do
    if answers "$kind" "$address" "$port"; then
      echo "$name answers from this host at $address:$port" >&2
      exit 1
    fi
  done
done
echo "compose: published ports are only ${published}"

printf '| images built | up to healthy gateway | REST flow | published ports |\n|---|---|---|---|\n| %s s | %s s | passed | %s|\n' \
  "$build_time" "$up_time" "$published" > "$report"
