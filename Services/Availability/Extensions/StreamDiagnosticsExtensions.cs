using HotelBooking.Availability.Streaming;

namespace HotelBooking.Availability.Extensions;

internal static class StreamDiagnosticsExtensions
{
    /// <summary>Outside Production: how many streams are open now, per method (tests prove that none leak).</summary>
    public static WebApplication MapStreamDiagnostics(this WebApplication app)
    {
        if (!app.Environment.IsProduction())
        {
            app.MapGet("/_diagnostics/streams", (StreamTracker tracker) => tracker.Open);
        }

        return app;
    }
}
