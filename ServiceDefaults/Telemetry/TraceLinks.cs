using System.Diagnostics;

namespace HotelBooking.ServiceDefaults.Telemetry;

/// <summary>
/// Background work (saga recovery, hold expiry) starts a trace of its own, linked to the trace of the
/// request that created what it works on: one trace per request stays true, and the dashboard can still
/// jump from the recovery to the booking it finished.
/// </summary>
public static class TraceLinks
{
    /// <summary>The current trace context as a W3C traceparent, to store beside what a request creates.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>
    /// Starts a new root activity linked to <paramref name="traceParent"/> (when there was one). Disposing the
    /// scope stops it and puts back whatever activity was current before, so it is safe inside a request too.
    /// The activity is null when the sampler drops the trace: set tags with <c>root.Activity?.SetTag(…)</c>,
    /// whose arguments are then not even evaluated.
    /// </summary>
    public static LinkedRoot StartLinkedRoot(this ActivitySource source, string name, string? traceParent)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var links = ActivityContext.TryParse(traceParent, null, out var context) ? [new ActivityLink(context)] : Array.Empty<ActivityLink>();
        var activity = source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links);
        return new LinkedRoot(activity, previous);
    }

    public readonly struct LinkedRoot(Activity? activity, Activity? previous) : IDisposable
    {
        public Activity? Activity => activity;

        public void Dispose()
        {
            activity?.Dispose();
            Activity.Current = previous;
        }
    }
}
