using Microsoft.Extensions.Configuration;

namespace HotelBooking.AppHost;

/// <summary>
/// Where each service's database lives. <c>HotelBooking:Database</c> chooses:
/// <list type="bullet">
/// <item><c>sqlite</c> (the default): one SQLite file per service in the data folder; nothing to install.</item>
/// <item><c>postgres</c>: one PostgreSQL server with a database per service. Aspire runs the server in a
/// container (Docker needed), unless <c>ConnectionStrings:postgres-server</c> names a server that already runs.</item>
/// </list>
/// </summary>
internal abstract class ServiceDatabases
{
    public abstract IResourceBuilder<ProjectResource> Attach(IResourceBuilder<ProjectResource> service, string connectionName);

    public static ServiceDatabases Configure(IDistributedApplicationBuilder builder)
    {
        var choice = builder.Configuration["HotelBooking:Database"] ?? "sqlite";
        return choice.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteFiles(DataDirectory(builder)),
            "postgres" when builder.Configuration.GetConnectionString("postgres-server") is { } existing => new ExistingPostgres(existing),
            "postgres" => new PostgresContainer(builder.AddPostgres("postgres").WithDataVolume("hotelbooking-postgres")),
            _ => throw new InvalidOperationException($"HotelBooking:Database '{choice}' is not supported; use 'sqlite' or 'postgres'."),
        };
    }

    // The SQLite files live in AppHost/.data, or where HotelBooking:DataDirectory says (tests use a fresh folder).
    private static string DataDirectory(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration["HotelBooking:DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, ".data"));

    // "availability-db" lives in the database "availability".
    private static string DatabaseName(string connectionName) => connectionName.Replace("-db", "", StringComparison.Ordinal);

    private sealed class SqliteFiles(string dataDirectory) : ServiceDatabases
    {
        public override IResourceBuilder<ProjectResource> Attach(IResourceBuilder<ProjectResource> service, string connectionName) =>
            service.WithEnvironment($"ConnectionStrings__{connectionName}",
                $"Data Source={Path.Combine(dataDirectory, connectionName + ".sqlite")}");
    }

    private sealed class PostgresContainer(IResourceBuilder<PostgresServerResource> server) : ServiceDatabases
    {
        // A service and its migrate job attach to the same database resource.
        private readonly Dictionary<string, IResourceBuilder<PostgresDatabaseResource>> _databases = [];

        public override IResourceBuilder<ProjectResource> Attach(IResourceBuilder<ProjectResource> service, string connectionName)
        {
            if (!_databases.TryGetValue(connectionName, out var database))
            {
                database = _databases[connectionName] = server.AddDatabase(connectionName, DatabaseName(connectionName));
            }

            return service.WithReference(database).WaitFor(database).WithEnvironment("Database__Provider", "Postgres");
        }
    }

    private sealed class ExistingPostgres(string serverConnectionString) : ServiceDatabases
    {
        // The last Database= wins, so the server's connection string is reused with each service's database.
        public override IResourceBuilder<ProjectResource> Attach(IResourceBuilder<ProjectResource> service, string connectionName) =>
            service.WithEnvironment($"ConnectionStrings__{connectionName}", $"{serverConnectionString};Database={DatabaseName(connectionName)}")
                .WithEnvironment("Database__Provider", "Postgres");
    }
}
