using Grpc.Net.Client;
using HotelBooking.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace HotelBooking.Services.IntegrationTests.Infrastructure;

/// <summary>The database provider a test runs on.</summary>
public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One real service, in-process, over a fresh database of its own: a SQLite file in a temporary folder, or
/// a new database on the test run's PostgreSQL server.
/// <typeparamref name="TService"/> is any type of the service's assembly (its gRPC service class).
/// </summary>
public sealed class ServiceHost<TService>(
    string connectionName,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null,
    string environment = "Development",
    Provider provider = Provider.Sqlite) : WebApplicationFactory<TService>
    where TService : class
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotelbooking-tests-").FullName;

    public string DatabasePath => Path.Combine(_directory, $"{connectionName}.sqlite");

    /// <summary>A channel over the in-memory test server; gRPC needs the response to claim HTTP/2.</summary>
    public GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = CreateGrpcHandler() });

    public HttpMessageHandler CreateGrpcHandler() => new ResponseVersionHandler { InnerHandler = Server.CreateHandler() };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        if (provider == Provider.Postgres)
        {
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting($"ConnectionStrings:{connectionName}",
                PostgresServer.ConnectionStringFor($"{connectionName}_{Path.GetFileName(_directory)}".Replace('-', '_')));
        }
        else
        {
            builder.UseSetting($"ConnectionStrings:{connectionName}", $"Data Source={DatabasePath}");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => configureServices?.Invoke(services));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class ResponseVersionHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            response.Version = request.Version;
            return response;
        }
    }
}
