using System.Net;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using HotelBooking.EndToEnd.Infrastructure;

namespace HotelBooking.EndToEnd.Security;

/// <summary>Through ports 5080 and 5081 only the public API, the page, Swagger and the availability reads are reachable.</summary>
[Collection(SystemCollection.Name)]
public sealed class EdgeExposureTests(SystemFixture system)
{
    [Theory]
    [InlineData("/_faults")]
    [InlineData("/_diagnostics/streams")]
    [InlineData("/metrics")]
    [InlineData("/hotelbooking.booking.v1.BookingService/GetBooking")]
    public async Task ServiceEndpoints_ThroughTheRestPort_NotFound(string path)
    {
        var response = await system.Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ServicesGrpcHealth_ThroughTheEdge_Unimplemented()
    {
        var health = new Health.HealthClient(system.CreateEdgeChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task TranscodedJsonRoutes_PublicEdge_NotServed()
    {
        // The availability service answers GET /v1/hotels itself (JSON transcoding, docs/decisions/0003),
        // on its internal port only: the gateway has no route to it.
        using var response = await system.Api.GetAsync("/v1/hotels");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Responses_NoServerHeader()
    {
        var response = await system.Api.GetAsync("/api/hotels");

        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task AdminImport_NoToken_401_GuestRole_403()
    {
        var anonymous = await system.Api.PostAsync("/api/admin/inventory", new StringContent("{}\n", Encoding.UTF8, "application/x-ndjson"));
        var guest = new HttpRequestMessage(HttpMethod.Post, "/api/admin/inventory") { Content = new StringContent("{}\n", Encoding.UTF8, "application/x-ndjson") };
        guest.Headers.Authorization = new("Bearer", system.Token(role: "guest"));

        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await system.Api.SendAsync(guest), HttpStatusCode.Forbidden);
    }

    [Fact]
    public void Databases_AfterTheRun_HoldNoPaymentToken()
    {
        foreach (var database in new[] { "booking-db", "payment-db", "availability-db" })
        {
            using var connection = system.OpenDatabase(database);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            var tables = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                command.CommandText = $"SELECT * FROM \"{table}\"";
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    for (var i = 0; i < rows.FieldCount; i++)
                    {
                        Assert.DoesNotContain("tok_", rows.GetValue(i)?.ToString() ?? "", StringComparison.Ordinal);
                    }
                }
            }
        }
    }
}
