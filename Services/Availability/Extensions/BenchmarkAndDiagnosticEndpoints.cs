using HotelBooking.Availability.Streaming;

namespace HotelBooking.Availability.Extensions;

/// <summary>
/// Endpoints that exist for bench/ and tests/, not for callers of the service, and are mapped only outside
/// Production, so a production deployment never exposes them: <c>GET /_diagnostics/streams</c>, the streams
/// open now, per method (tests prove that none leak). The REST/JSON the read-paths benchmark compares with
/// gRPC is no longer a hand-written endpoint here but the service's JSON transcoding (<see cref="JsonTranscodingExtensions"/>).
/// </summary>
public static class BenchmarkAndDiagnosticEndpoints
{
    public static WebApplication MapBenchmarkAndDiagnosticEndpoints(this WebApplication app)
    {
        if (!app.Environment.IsProduction())
        {
            app.MapGet("/_diagnostics/streams", (StreamTracker tracker) => tracker.Open);
        }

        return app;
    }
}
