# CI stand-in for the standalone Aspire dashboard image: the dashboard that the Aspire.Dashboard.Sdk
# package ships, on the runtime stand-in. Same ports as the official image: UI 18888, OTLP/gRPC 18889.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY . /app
# The package ships its files readable by their owner only.
RUN chmod -R a+rX /app
ENV ASPNETCORE_URLS=http://+:18888 \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://+:18889 \
    ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://+:18890
USER app
WORKDIR /app
ENTRYPOINT ["/app/Aspire.Dashboard"]
