using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Services.Shared.Data;

/// <summary>
/// EF Core's diagnostic events, passed on only while the current trace is recorded. EF reports every step of
/// every query — connection opened, command created, executed, reader closed, entity tracked — and builds an
/// event object for each one that a listener is enabled for. OpenTelemetry's EF Core instrumentation listens
/// to all of them to make its database spans, so without this gate an unsampled request (nine in ten by
/// default) pays for events whose spans the sampler then drops. Sampled requests, reads and writes alike,
/// keep their database spans.
/// </summary>
/// <remarks>
/// EF asks before each event, but caches a "nobody listens" answer for command events
/// (<see cref="DbContextOptionsBuilder.ConfigureLoggingCacheTime"/>): <see cref="DatabaseExtensions"/> sets that
/// cache to zero, or one unsampled query would hide the next second's sampled ones.
/// </remarks>
internal sealed class RecordedTraceDiagnostics : DiagnosticSource
{
    // EF would make a listener per internal service provider; one for the process is enough. OpenTelemetry
    // finds it the way it found EF's own: by watching every DiagnosticListener for this name.
    private static readonly DiagnosticListener Listener = new(DbLoggerCategory.Name);

    public override bool IsEnabled(string name) => Activity.Current is { Recorded: true } && Listener.IsEnabled(name);

    public override void Write(string name, object? value) => Listener.Write(name, value);
}
