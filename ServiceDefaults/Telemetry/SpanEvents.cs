using System.Diagnostics;

namespace HotelBooking.ServiceDefaults.Telemetry;

/// <summary>Events on the current span, added only when the span is recorded.</summary>
public static class SpanEvents
{
    /// <summary>
    /// An unsampled request still has an activity (for its trace id and the <c>traceparent</c> it passes on),
    /// and <see cref="Activity.AddEvent"/> would keep every event on it until the request ends, for nothing.
    /// </summary>
    public static void AddToCurrent(string name)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.AddEvent(new ActivityEvent(name));
        }
    }
}
