using Grpc.Core;
using HotelBooking.Availability.Grpc;
using HotelBooking.Availability.ReadModel;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Npgsql;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;

namespace HotelBooking.Services.IntegrationTests.Availability;

/// <summary>
/// Two availability services on one PostgreSQL database, as two instances of a deployment: a change made
/// through one reaches the other's read model (GetAvailability and WatchAvailability) through the change log
/// and its notification, and after the other's LISTEN connection is cut, through its catch-up on reconnect.
/// B polls only every ten minutes, so within the tests' timeout only a notification or a reconnection can
/// bring it the change.
/// </summary>
public sealed class CrossProcessFreshnessTests : IDisposable
{
    private const string Hotel = "spree-loft";
    private const string Penthouse = "spree-loft-penthouse"; // 3 rooms a night
    private const string ApplicationNameOfB = "availability-b";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // against a hang, not a measurement

    private readonly ServiceHost<AvailabilityGrpcService> _a;
    private readonly ServiceHost<AvailabilityGrpcService> _b;
    private readonly AvailabilityService.AvailabilityServiceClient _clientA;
    private readonly AvailabilityService.AvailabilityServiceClient _clientB;

    public CrossProcessFreshnessTests()
    {
        PostgresServer.SkipIfUnavailable();
        var database = PostgresServer.ConnectionStringFor($"freshness_{Guid.NewGuid():N}");
        _a = new("availability-db", new Dictionary<string, string?> { ["ConnectionStrings:availability-db"] = database }, provider: Provider.Postgres);
        _b = new("availability-db", new Dictionary<string, string?>
        {
            ["ConnectionStrings:availability-db"] = new NpgsqlConnectionStringBuilder(database) { ApplicationName = ApplicationNameOfB }.ConnectionString,
            ["ReadModel:PollInterval"] = "00:10:00",
        }, provider: Provider.Postgres);
        _clientA = new(_a.CreateChannel());
        _clientB = new(_b.CreateChannel()); // A first: it migrates and seeds, B starts on the seeded database
    }

    public void Dispose()
    {
        _b.Dispose();
        _a.Dispose();
    }

    [SkippableFact]
    public async Task HoldConfirmReleaseImport_ThroughA_SeenThroughBsGetAvailabilityAndWatch()
    {
        using var watch = _clientB.WatchAvailability(new() { HotelId = Hotel, CheckIn = DaysFromToday(30), CheckOut = DaysFromToday(32), Guests = 4 });
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(3, PenthouseIn(watch.ResponseStream.Current));

        var hold = (await _clientA.CreateHoldAsync(Hold("fresh-1", rooms: 2))).Hold;
        await WatchShowsAsync(watch, 1);
        await EventuallyFreeInBAsync(1);

        await _clientA.ConfirmHoldAsync(new() { HoldId = hold.HoldId });
        await _clientA.ReleaseHoldAsync(new() { HoldId = hold.HoldId });
        await WatchShowsAsync(watch, 3);
        await EventuallyFreeInBAsync(3);

        using (var import = _clientA.ImportInventory())
        {
            await import.RequestStream.WriteAsync(new() { Line = 1, HotelId = Hotel, RoomTypeId = Penthouse, Date = DaysFromToday(31), Rooms = 7 });
            await import.RequestStream.CompleteAsync();
            Assert.Equal(1, (await import.ResponseAsync).Accepted);
        }

        await EventuallyFreeInBAsync(7, checkIn: 31);
    }

    [SkippableFact]
    public async Task ListenConnectionOfBTerminated_ChangeThroughA_BCatchesUp()
    {
        await EventuallyFreeInBAsync(3); // B is up and listening

        await using (var admin = new NpgsqlConnection(PostgresServer.ConnectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name", admin);
            terminate.Parameters.AddWithValue("name", $"{ApplicationNameOfB} {ReadModelFeed.ListenerName}");
            var deadline = DateTime.UtcNow + Patience;
            while ((long)(await terminate.ExecuteScalarAsync())! != 1)
            {
                Assert.True(DateTime.UtcNow < deadline, "B's listener connection never appeared.");
                await Task.Delay(50);
            }
        }

        await _clientA.CreateHoldAsync(Hold("after-cut", rooms: 3));

        await EventuallyFreeInBAsync(0);
    }

    private async Task EventuallyFreeInBAsync(int expected, int checkIn = 30)
    {
        var deadline = DateTime.UtcNow + Patience;
        int free;
        while ((free = await PenthouseFreeInB(checkIn)) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"B still shows {free} free, not {expected}.");
            await Task.Delay(50);
        }
    }

    private static async Task WatchShowsAsync(AsyncServerStreamingCall<WatchAvailabilityResponse> watch, int expected)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (PenthouseIn(watch.ResponseStream.Current) != expected)
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        }
    }

    private async Task<int> PenthouseFreeInB(int checkIn) => PenthouseIn((await _clientB.GetAvailabilityAsync(
        new() { HotelId = Hotel, CheckIn = DaysFromToday(checkIn), CheckOut = DaysFromToday(32), Guests = 4 })).Availability);

    private static int PenthouseIn(WatchAvailabilityResponse response) => PenthouseIn(response.Availability);

    private static int PenthouseIn(StayAvailability availability) => availability.Rooms.Single(r => r.RoomTypeId == Penthouse).Available;

    private static CreateHoldRequest Hold(string requestId, int rooms) => new()
    {
        RequestId = requestId,
        HotelId = Hotel,
        RoomTypeId = Penthouse,
        CheckIn = DaysFromToday(30),
        CheckOut = DaysFromToday(32),
        Guests = 2,
        Rooms = rooms,
    };
}
