# CI stand-in for the .NET SDK image, step 1: this machine's whole dotnet folder on the runtime stand-in.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY . /usr/share/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
