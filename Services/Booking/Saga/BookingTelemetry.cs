using System.Diagnostics;
using System.Diagnostics.Metrics;
using HotelBooking.Bookings.Domain;

namespace HotelBooking.Bookings.Saga;

/// <summary>The booking service's own spans and instruments (OpenTelemetry naming: lower case, dotted, units in UCUM).</summary>
public sealed class BookingTelemetry
{
    public const string Name = "HotelBooking.Booking";

    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _bookings;
    private readonly Histogram<double> _sagaDuration;
    private readonly Counter<long> _parked;

    public BookingTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _bookings = meter.CreateCounter<long>("hotelbooking.bookings", "{booking}",
            "Bookings that reached an outcome: confirmed, declined, failed, cancelled.");
        _sagaDuration = meter.CreateHistogram<double>("hotelbooking.booking.saga.duration", "s",
            "Time from a booking's creation to its settled outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _parked = meter.CreateCounter<long>("hotelbooking.bookings.parked", "{booking}",
            "Bookings recovery gave up on, by the saga step they stopped at: each needs an operator.");
    }

    /// <summary>Records a booking that recovery parked.</summary>
    public void Parked(Booking booking) =>
        _parked.Add(1, new KeyValuePair<string, object?>("hotelbooking.booking.step", booking.Step.ToString()));

    /// <summary>Records a booking that just settled.</summary>
    public void Settled(Booking booking, DateTime now)
    {
        var outcome = booking.Status switch
        {
            BookingStatus.Failed when booking.FailureReason == FailureReason.PaymentDeclined => "declined",
            _ => booking.Status.ToString().ToLowerInvariant(),
        };
        var tag = new KeyValuePair<string, object?>("hotelbooking.booking.outcome", outcome);
        _bookings.Add(1, tag);
        if (booking.Status != BookingStatus.Cancelled)
        {
            _sagaDuration.Record((now - booking.CreatedAt).TotalSeconds, tag);
        }
    }
}
