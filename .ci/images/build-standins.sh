#!/usr/bin/env bash
# Builds local stand-ins for the public images that docker-compose.yml and the Testcontainers tests
# name, on machines that can reach Debian's mirror but no container registry. Each stand-in is a
# debootstrap root file system imported with `docker import` and tagged with the public name, so
# nothing is pulled. An image that already exists under its name is left alone.
#
#   postgres:15                                  Debian's PostgreSQL 15, official entry point's variables
#                                                and /docker-entrypoint-initdb.d scripts
#   mcr.microsoft.com/dotnet/aspnet:10.0         this machine's .NET and ASP.NET Core runtimes
#   mcr.microsoft.com/dotnet/sdk:10.0            the same plus this machine's SDK and trusted certificates,
#                                                so `dotnet restore` in a build container reaches NuGet as here
#   mcr.microsoft.com/dotnet/aspire-dashboard:13.6   the dashboard from the Aspire.Dashboard.Sdk package
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${HOTELBOOKING_IMAGE_CACHE:-/var/cache/hotelbooking-images}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
docker="${DOCKER:-/usr/bin/docker}"
mkdir -p "$cache"

exists() { "$docker" image inspect "$1" > /dev/null 2>&1; }

# debootstrap is the slow part; keep each root file system as a tarball between runs.
rootfs() {
    local name="$1" packages="$2" tarball="$cache/$1.tar"
    if [ ! -f "$tarball" ]; then
        local dir; dir="$(mktemp -d "$cache/$name.XXXX")"
        debootstrap --variant=minbase --include="$packages" bookworm "$dir" "$mirror" > "$cache/$name.log" 2>&1 \
            || { tail -20 "$cache/$name.log"; exit 1; }
        [ "$name" = postgres ] && prepare_postgres "$dir"
        [ "$name" = dotnet ] && prepare_dotnet "$dir"
        rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
        tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
    fi
    echo "$tarball"
}

prepare_postgres() {
    local dir="$1"
    # The package made a cluster of its own; the entry point makes one in PGDATA instead.
    rm -rf "$dir"/var/lib/postgresql/15 "$dir"/etc/postgresql/15
    mkdir -p "$dir/var/lib/postgresql/data" "$dir/run/postgresql"
    chroot "$dir" chown -R postgres:postgres /var/lib/postgresql /run/postgresql
    chmod 700 "$dir/var/lib/postgresql/data"
}

prepare_dotnet() {
    local dir="$1" dotnet_root
    dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
    mkdir -p "$dir/usr/share/dotnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dir/usr/share/dotnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$dir/usr/share/dotnet/shared/"
    ln -sf /usr/share/dotnet/dotnet "$dir/usr/bin/dotnet"
    # The official images run as "app" (uid 1654, $APP_UID).
    chroot "$dir" groupadd --gid 1654 app
    chroot "$dir" useradd --uid 1654 --gid 1654 --no-create-home --shell /usr/sbin/nologin app
}

# The entry point goes on in a layer of its own, labelled with its hash, so a changed entry point replaces
# an older stand-in without another debootstrap.
entrypoint_hash="$(sha256sum "$here/postgres-entrypoint.sh" | cut -c1-16)"
if [ "$("$docker" image inspect -f '{{index .Config.Labels "hotelbooking.entrypoint"}}' postgres:15 2> /dev/null)" != "$entrypoint_hash" ]; then
    exists hotelbooking-ci/postgres-base:15 || "$docker" import \
        --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV PGDATA=/var/lib/postgresql/data' \
        --change 'VOLUME /var/lib/postgresql/data' \
        --change 'USER postgres' \
        --change 'EXPOSE 5432' \
        --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
        --change 'CMD ["postgres"]' \
        "$(rootfs postgres postgresql-15)" hotelbooking-ci/postgres-base:15 > /dev/null
    printf 'FROM hotelbooking-ci/postgres-base:15\nCOPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh\n' \
        | "$docker" build --quiet --label "hotelbooking.entrypoint=$entrypoint_hash" -t postgres:15 -f - "$here" > /dev/null
    echo "built postgres:15 (stand-in)"
fi

if ! exists mcr.microsoft.com/dotnet/aspnet:10.0; then
    "$docker" import \
        --change 'ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_ROOT=/usr/share/dotnet' \
        --change 'EXPOSE 8080' \
        "$(rootfs dotnet ca-certificates,libicu72,libssl3,tzdata)" mcr.microsoft.com/dotnet/aspnet:10.0 > /dev/null
    echo "built mcr.microsoft.com/dotnet/aspnet:10.0 (stand-in)"
fi

if ! exists mcr.microsoft.com/dotnet/sdk:10.0; then
    dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
    "$docker" build --quiet -t hotelbooking-ci/sdk-without-certificates -f "$here/sdk.Dockerfile" "$dotnet_root" > /dev/null
    "$docker" build --quiet -t mcr.microsoft.com/dotnet/sdk:10.0 \
        --build-arg NUGET_CERT_REVOCATION_MODE="${NUGET_CERT_REVOCATION_MODE:-online}" \
        -f "$here/sdk-certificates.Dockerfile" /etc/ssl/certs > /dev/null
    "$docker" rmi hotelbooking-ci/sdk-without-certificates > /dev/null
    echo "built mcr.microsoft.com/dotnet/sdk:10.0 (stand-in)"
fi

if ! exists mcr.microsoft.com/dotnet/aspire-dashboard:13.6; then
    dashboard="$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/aspire.dashboard.sdk.linux-x64/*/tools | sort -V | tail -1)"
    "$docker" build --quiet -t mcr.microsoft.com/dotnet/aspire-dashboard:13.6 -f "$here/dashboard.Dockerfile" "$dashboard" > /dev/null
    echo "built mcr.microsoft.com/dotnet/aspire-dashboard:13.6 (stand-in)"
fi
