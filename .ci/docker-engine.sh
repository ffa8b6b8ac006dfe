# Sourced by .ci/run: Debian's Docker engine for the PostgreSQL tests (Testcontainers) and the compose
# smoke test. Installs what is missing, starts dockerd in the background with its data outside any build
# context, and stop_docker_engine stops it again. An engine that already runs is used and left running.

# Debian's engine is 20.10 (API 1.41), older than some clients; Ryuk would have to be pulled; the
# containers' ports are published on this host.
export DOCKER_API_VERSION=1.41 TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

docker_engine_pid=""

start_docker_engine() {
  local missing=()
  command -v dockerd > /dev/null || missing+=(docker.io)
  command -v docker-compose > /dev/null || missing+=(docker-compose)
  command -v iptables > /dev/null || missing+=(iptables)
  command -v debootstrap > /dev/null || missing+=(debootstrap)
  command -v curl > /dev/null || missing+=(curl) # the compose smoke's HTTP/2 probe
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing ${missing[*]} from Debian..."
    apt-get update -q > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" > /dev/null
  fi

  # `docker compose` (v2 syntax) forwards to Compose v1 where no compose plugin is installed.
  if ! docker compose version > /dev/null 2>&1; then
    install -D -m 755 .ci/docker-compose-shim /usr/local/lib/docker/cli-plugins/docker-compose
  fi

  if docker info > /dev/null 2>&1; then
    return
  fi

  mkdir -p /var/lib/hotelbooking-docker
  dockerd --data-root /var/lib/hotelbooking-docker > /tmp/hotelbooking-dockerd.log 2>&1 &
  docker_engine_pid=$!
  for _ in $(seq 60); do
    docker info > /dev/null 2>&1 && return
    sleep 0.5
  done
  echo "dockerd did not start; its log:" >&2
  tail -20 /tmp/hotelbooking-dockerd.log >&2
  return 1
}

stop_docker_engine() {
  if [ -n "$docker_engine_pid" ]; then
    kill "$docker_engine_pid" 2> /dev/null && wait "$docker_engine_pid" 2> /dev/null || true
    docker_engine_pid=""
  fi
}
