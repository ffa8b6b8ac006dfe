using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HotelBooking.Availability.Holds;

/// <summary>The availability service's own spans and instruments.</summary>
public sealed class AvailabilityTelemetry
{
    public const string Name = "HotelBooking.Availability";

    public static readonly ActivitySource Source = new(Name);

    private int _activeHolds;

    public AvailabilityTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        meter.CreateObservableGauge("hotelbooking.holds.active", () => Volatile.Read(ref _activeHolds), "{hold}",
            "Holds taking rooms now (refreshed at every expiry sweep).");
    }

    public void ActiveHoldsCounted(int count) => Volatile.Write(ref _activeHolds, count);
}
