using HotelBooking.Contracts;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Logs;

namespace HotelBooking.Gateway.Errors;

/// <summary>
/// A booking id in a path (<c>/api/bookings/{id}</c>, <c>…/cancel</c>) is the guest's capability, so traces
/// and logs get the path with the id replaced by its <see cref="BookingReference"/>.
/// </summary>
internal static class BookingIdRedaction
{
    private const string Bookings = "/api/bookings/";

    public static string Redact(PathString path)
    {
        var value = path.Value ?? "";
        if (!value.StartsWith(Bookings, StringComparison.OrdinalIgnoreCase) || value.Length == Bookings.Length)
        {
            return value;
        }

        var rest = value.AsSpan(Bookings.Length);
        var end = rest.IndexOf('/');
        var id = end < 0 ? rest : rest[..end];
        return string.Concat(Bookings, BookingReference.For(id.ToString()), end < 0 ? "" : rest[end..]);
    }

    /// <summary>
    /// Replaces the instrumentation's <c>url.path</c> of every server span with the redacted path, and keeps log
    /// scopes out of exported logs: ASP.NET Core's request scope carries the raw <c>RequestPath</c>.
    /// </summary>
    public static IServiceCollection AddBookingIdRedaction(this IServiceCollection services) => services
        .Configure<OpenTelemetryLoggerOptions>(options => options.IncludeScopes = false)
        .Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var enrich = options.EnrichWithHttpRequest;
            options.EnrichWithHttpRequest = (activity, request) =>
            {
                enrich?.Invoke(activity, request);
                if (request.Path.StartsWithSegments("/api/bookings", StringComparison.OrdinalIgnoreCase))
                {
                    activity.SetTag("url.path", Redact(request.Path));
                }
            };
        });
}
