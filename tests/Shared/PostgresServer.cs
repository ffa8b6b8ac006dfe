using Npgsql;
using Testcontainers.PostgreSql;

namespace HotelBooking.Tests;

/// <summary>
/// One PostgreSQL server in a throwaway container for the whole test run, started by Testcontainers on
/// first use. The image is <c>HOTELBOOKING_POSTGRES_IMAGE</c> (default <c>postgres:15</c>). Without a
/// reachable Docker engine the PostgreSQL tests are skipped with a reason that says how to run them;
/// with <c>CI=true</c> a missing engine fails them instead.
/// </summary>
public static class PostgresServer
{
    public const string DefaultImage = "postgres:15";

    private static readonly Lazy<(PostgreSqlContainer? Container, string? Unavailable)> Server = new(Start);

    public static string Image => Environment.GetEnvironmentVariable("HOTELBOOKING_POSTGRES_IMAGE") ?? DefaultImage;

    /// <summary>Whether a server runs (starting it on first use).</summary>
    public static bool IsAvailable => Server.Value.Unavailable is null;

    /// <summary>Skips the calling test (Xunit.SkippableFact) when no engine runs here, except on CI.</summary>
    public static void SkipIfUnavailable()
    {
        if (Server.Value.Unavailable is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException($"CI=true needs a Docker engine for the PostgreSQL tests: {reason}");
            }

            throw new SkipException(
                $"No Docker engine for the PostgreSQL tests ({reason}). Start Docker and run again; the image is {Image} (HOTELBOOKING_POSTGRES_IMAGE).");
        }
    }

    /// <summary>The server's connection string, for its maintenance database.</summary>
    public static string ConnectionString
    {
        get
        {
            SkipIfUnavailable();
            return Server.Value.Container!.GetConnectionString();
        }
    }

    /// <summary>
    /// A connection string for <paramref name="database"/>; the service creates it when it migrates. Test
    /// classes run in parallel against one server (100 connections at most), so each pool stays small: a
    /// busy pool makes callers wait for a connection, a full server refuses them (53300).
    /// </summary>
    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database, MaxPoolSize = 10 }.ConnectionString;

    private static (PostgreSqlContainer?, string?) Start()
    {
        PostgreSqlContainer container;
        try
        {
            // Build() already looks for the engine, so it belongs inside the try.
            container = new PostgreSqlBuilder(Image).Build();
            container.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DotNet.Testcontainers.Builders.DockerUnavailableException or TimeoutException or HttpRequestException)
        {
            return (null, e.Message);
        }

        // Without Ryuk (it would have to be pulled) nothing else removes the container at the end.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (container, null);
    }
}
