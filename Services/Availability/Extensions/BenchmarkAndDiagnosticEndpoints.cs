using HotelBooking.Availability.Comparison;
using HotelBooking.Availability.Streaming;

namespace HotelBooking.Availability.Extensions;

/// <summary>
/// Endpoints that exist for bench/ and tests/, not for callers of the service, and are mapped only outside
/// Production, so a production deployment never exposes them:
/// <list type="bullet">
/// <item><c>GET /_diagnostics/streams</c>: the streams open now, per method (tests prove that none leak).</item>
/// <item><c>GET /comparison/hotels/{hotelId}/availability</c> (<see cref="RestComparisonApi"/>), when
/// <c>Comparison:RestEndpoint</c> is true too: the read-paths benchmark, which runs the service in its
/// "Benchmark" environment, compares it with the gRPC method.</item>
/// </list>
/// </summary>
public static class BenchmarkAndDiagnosticEndpoints
{
    public static WebApplication MapBenchmarkAndDiagnosticEndpoints(this WebApplication app)
    {
        if (app.Environment.IsProduction())
        {
            return app;
        }

        app.MapGet("/_diagnostics/streams", (StreamTracker tracker) => tracker.Open);
        if (app.Configuration.GetValue<bool>("Comparison:RestEndpoint"))
        {
            app.MapRestComparison();
        }

        return app;
    }
}
