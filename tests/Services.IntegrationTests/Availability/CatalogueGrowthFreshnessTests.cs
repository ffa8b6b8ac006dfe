using Grpc.Core;
using HotelBooking.Availability.Grpc;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;

namespace HotelBooking.Services.IntegrationTests.Availability;

/// <summary>
/// A running availability process learns of hotels another process adds: a deployment whose new version
/// seeds a larger catalogue while the old one still serves. The change log then names room types the
/// running read model has never seen, and it must read the catalogue again rather than skip them.
/// A polls only every ten minutes, so within the test's timeout only the notification can bring it the hotels.
/// </summary>
public sealed class CatalogueGrowthFreshnessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // against a hang, not a measurement

    [SkippableFact]
    public async Task HotelsSeededByAnotherProcess_SeenByTheRunningOne()
    {
        PostgresServer.SkipIfUnavailable();
        var database = PostgresServer.ConnectionStringFor($"growth_{Guid.NewGuid():N}");
        using var running = new ServiceHost<AvailabilityGrpcService>("availability-db", TestCatalogue.HandMade(new()
        {
            ["ConnectionStrings:availability-db"] = database,
            ["ReadModel:PollInterval"] = "00:10:00",
        }), provider: Provider.Postgres);
        var runningClient = new AvailabilityService.AvailabilityServiceClient(running.CreateChannel());
        var before = (await runningClient.ListHotelsAsync(new())).Hotels.Select(h => h.HotelId).ToList();
        Assert.Equal(3, before.Count);

        using var newer = new ServiceHost<AvailabilityGrpcService>("availability-db", new Dictionary<string, string?>
        {
            ["ConnectionStrings:availability-db"] = database,
            [TestCatalogue.HotelsSetting] = "5",
        }, provider: Provider.Postgres);
        var added = (await new AvailabilityService.AvailabilityServiceClient(newer.CreateChannel()).ListHotelsAsync(new())).Hotels
            .Select(h => h.HotelId)
            .Except(before) // what the running process knew before the newer one started: it may know more by now
            .ToList();
        Assert.Equal(2, added.Count);

        var deadline = DateTime.UtcNow + Patience;
        foreach (var hotelId in added)
        {
            while (!await HasHotelAsync(runningClient, hotelId))
            {
                Assert.True(DateTime.UtcNow < deadline, $"The running process never learned of {hotelId}.");
                await Task.Delay(50);
            }
        }
    }

    private static async Task<bool> HasHotelAsync(AvailabilityService.AvailabilityServiceClient client, string hotelId)
    {
        try
        {
            await client.GetHotelAsync(new() { HotelId = hotelId });
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
    }
}
