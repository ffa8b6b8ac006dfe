using System.Diagnostics;
using System.Net;
using HotelBooking.EndToEnd.Infrastructure;

namespace HotelBooking.EndToEnd;

[Collection(SystemCollection.Name)]
public sealed class DownstreamFailureTests(SystemFixture system)
{
    [Fact]
    public async Task AvailabilityServiceDown_503WithRetryAfterWithinTheDeadline()
    {
        await system.WithResourceKilledAsync("availability", async () =>
        {
            var clock = Stopwatch.StartNew();
            var response = await system.Api.GetAsync($"/api/hotels/{TestData.Lisbon}");

            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Took {clock.Elapsed}, longer than the gateway's deadline.");
        });

        // Back up: the same request succeeds again (the restart waits until the gateway reaches the service).
        var recovered = await system.Api.GetAsync($"/api/hotels/{TestData.Lisbon}");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }
}
