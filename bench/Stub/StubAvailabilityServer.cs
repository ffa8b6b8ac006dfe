using Grpc.Core;
using HotelBooking.Contracts.Common.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Stub;

/// <summary>
/// The availability service's GetAvailability answered from memory, with a canned five-room-type reply that
/// echoes the stay, and nothing else: no database, no telemetry, no middleware. The bench starts it as its
/// own process (<c>Bench.dll stub-availability</c>), pinned with the servers, and points a gateway at it, so
/// "REST via gateway → stub" measures what the gateway itself costs per request.
/// </summary>
public static class StubAvailabilityServer
{
    public const string Mode = "stub-availability";

    /// <summary>Serves until killed, on <c>STUB_URL</c> (HTTP/2 with prior knowledge, as the services do).</summary>
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The bench's output folder holds the gateway's appsettings.json (a project reference copies it), whose
        // Kestrel endpoints would win over the address given: the stub reads no settings file.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("STUB_URL") ?? throw new InvalidOperationException("STUB_URL is not set."));
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // not a shipped process: no request logging to pay for
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<CannedAvailability>();
        app.MapGet("/health", () => "Healthy");
        await app.RunAsync();
        return 0;
    }

    private sealed class CannedAvailability : Proto.AvailabilityService.AvailabilityServiceBase
    {
        private static readonly Proto.RoomAvailability[] Rooms =
        [
            .. new[] { ("single", 1, 9_000L), ("double", 2, 12_000L), ("twin", 2, 12_500L), ("family", 4, 19_000L), ("suite", 3, 31_000L) }
                .Select(r => new Proto.RoomAvailability
                {
                    RoomTypeId = $"stub-{r.Item1}",
                    Name = $"Stub {r.Item1}",
                    Capacity = r.Item2,
                    Available = 7,
                    TotalPrice = new Money { CurrencyCode = "EUR", AmountMinor = r.Item3 },
                }),
        ];

        public override Task<Proto.GetAvailabilityResponse> GetAvailability(Proto.GetAvailabilityRequest request, ServerCallContext context) =>
            Task.FromResult(new Proto.GetAvailabilityResponse
            {
                Availability = new Proto.StayAvailability
                {
                    HotelId = request.HotelId,
                    CheckIn = request.CheckIn,
                    CheckOut = request.CheckOut,
                    Guests = request.Guests,
                    Rooms = { Rooms.Where(r => r.Capacity >= request.Guests) },
                },
            });

        public override Task<Proto.ListHotelsResponse> ListHotels(Proto.ListHotelsRequest request, ServerCallContext context) =>
            Task.FromResult(new Proto.ListHotelsResponse { Hotels = { new Proto.Hotel { HotelId = "stub-hotel", Name = "Stub", City = "Nowhere" } } });
    }
}
