using Grpc.Core;
using HotelBooking.Availability.Data;
using HotelBooking.Contracts.Payment.V1;
using HotelBooking.Payments.Grpc;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Services.Shared.Data;
using HotelBooking.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotelBooking.Services.IntegrationTests.Database;

/// <summary>
/// What <c>dotnet Availability.dll migrate</c> does, run by several replicas or one-shot jobs at once: each
/// migrator is a host of its own with the service's database registration, over one shared database.
/// </summary>
public sealed class DatabaseMigrationTests : IDisposable
{
    private const int Migrators = 4;
    private readonly string _directory = Directory.CreateTempSubdirectory("hotelbooking-migration-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task MigrateDatabase_SeveralMigratorsAtOnceOnAFreshDatabase_AllSucceedAndSeedTheFullCatalogueOnce(Provider provider)
    {
        var connectionString = provider == Provider.Postgres
            ? PostgresServer.ConnectionStringFor($"migrate_{Guid.NewGuid():N}")
            : $"Data Source={Path.Combine(_directory, "availability.sqlite")}";
        var hosts = Enumerable.Range(0, Migrators).Select(_ => AvailabilityHost(provider, connectionString)).ToList();

        try
        {
            // Each on a thread of its own, so they really overlap: creating the database, migrating, seeding
            // the full default catalogue (the size production seeds; the other tests here take the hand-made hotels).
            var full = new CatalogueOptions();
            await Task.WhenAll(hosts.Select(host => Task.Run(() => MigrateAsync(host, full))))
                .WaitAsync(TimeSpan.FromSeconds(180));

            await using var scope = hosts[0].Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(CatalogueGenerator.MaxHotels, await db.Hotels.CountAsync());
            var roomTypes = await db.RoomTypes.CountAsync();
            var nights = await db.Inventory.GroupBy(n => new { n.RoomTypeId, n.Date }).CountAsync();
            Assert.Equal(nights, await db.Inventory.CountAsync());
            Assert.Equal(roomTypes * full.Days, nights);
        }
        finally
        {
            hosts.ForEach(host => host.Dispose());
        }
    }

    [Fact]
    public async Task MigrateDatabase_SqliteLockLeftByAKilledMigrator_MigratesAnyway()
    {
        var connectionString = $"Data Source={Path.Combine(_directory, "availability.sqlite")}";
        // EF Core's SQLite migration lock is a row in __EFMigrationsLock, deleted when the migrator is done;
        // a migrator killed while holding it leaves the row behind, and every later one waits for it.
        await using (var killed = new SqliteConnection(connectionString))
        {
            await killed.OpenAsync();
            await using var command = killed.CreateCommand();
            command.CommandText = """
                CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-11-30 23:59:59.0000000+00:00');
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var host = AvailabilityHost(Provider.Sqlite, connectionString);
        await MigrateAsync(host).WaitAsync(TimeSpan.FromSeconds(30));

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(3, await db.Hotels.CountAsync());
    }

    [Fact]
    public async Task SqliteConnection_ServiceDatabase_IsInWalModeWithFullSync()
    {
        using var host = AvailabilityHost(Provider.Sqlite, $"Data Source={Path.Combine(_directory, "availability.sqlite")}");
        await MigrateAsync(host);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        // FULL (2): a confirmed booking is on disk before the service says so (DatabaseExtensions.cs says why).
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Start_MigrateOnStartOffAndMigrationsPending_FailsSayingWhatToRun()
    {
        using var host = new ServiceHost<PaymentGrpcService>("payment-db", MigrateOnStartOff(Path.Combine(_directory, "payment.sqlite")));

        var failure = Assert.Throws<InvalidOperationException>(() => host.Services);

        Assert.Contains("Database:MigrateOnStart is false", failure.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet Payment.dll migrate", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MigrateOnStartOffOnAMigratedDatabase_Serves()
    {
        var file = Path.Combine(_directory, "payment.sqlite");
        using (var migrator = new ServiceHost<PaymentGrpcService>("payment-db", new Dictionary<string, string?> { ["ConnectionStrings:payment-db"] = $"Data Source={file}" }))
        {
            _ = migrator.Services;
        }

        using var host = new ServiceHost<PaymentGrpcService>("payment-db", MigrateOnStartOff(file));
        var client = new PaymentService.PaymentServiceClient(host.CreateChannel());

        // It answers from the migrated tables: an unknown payment is NOT_FOUND, not a missing table.
        var unknown = await Assert.ThrowsAsync<RpcException>(
            () => client.GetPaymentAsync(new GetPaymentRequest { PaymentId = Guid.NewGuid().ToString() }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    private static Dictionary<string, string?> MigrateOnStartOff(string file) => new()
    {
        ["ConnectionStrings:payment-db"] = $"Data Source={file}",
        ["Database:MigrateOnStart"] = "false",
    };

    private static Task MigrateAsync(IHost host, CatalogueOptions? catalogue = null) =>
        host.MigrateDatabaseAsync<AvailabilityDbContext>((db, _) =>
            SeedData.SeedAsync(db, TimeProvider.System, catalogue ?? new CatalogueOptions { Hotels = CatalogueGenerator.HandMadeHotels }));

    private static IHost AvailabilityHost(Provider provider, string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:availability-db"] = connectionString;
        builder.Configuration["Database:Provider"] = provider == Provider.Postgres ? DatabaseExtensions.Postgres : DatabaseExtensions.Sqlite;
        builder.AddServiceDatabase<AvailabilityDbContext, AvailabilityPostgresDbContext>("availability-db");
        return builder.Build();
    }
}
