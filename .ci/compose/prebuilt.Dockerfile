# CI only: a service image from host-published output, on the same base image as the real Dockerfiles.
# .ci/compose-smoke.sh copies it next to each service's output with @ASSEMBLY@ filled in.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY . .
USER $APP_UID
ENTRYPOINT ["dotnet", "@ASSEMBLY@"]
