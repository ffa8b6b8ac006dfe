# CI stand-in for the .NET SDK image, step 2: this machine's trusted certificates, so that package
# restore inside a build container trusts what restore on this machine trusts.
FROM hotelbooking-ci/sdk-without-certificates
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ARG NUGET_CERT_REVOCATION_MODE=online
ENV NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE}
