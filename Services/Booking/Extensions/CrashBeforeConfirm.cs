using HotelBooking.Bookings.Saga;
using HotelBooking.Services.Shared.Faults;

namespace HotelBooking.Bookings.Extensions;

/// <summary>
/// Test-only crash point, armed through /_faults (<c>crashAt: "after-charge"</c>) outside Production: the next
/// confirmation kills the process on the spot, as a real crash would, leaving a booking with its charge captured
/// and saved but its hold unconfirmed for recovery to settle.
/// </summary>
public sealed class CrashBeforeConfirm(IRoomHolds inner, FaultInjector faults) : IRoomHolds
{
    public const string Point = "after-charge";

    public Task<RoomsTaken> TakeAsync(Bookings.Domain.Booking booking, DateTime deadline, CancellationToken cancellationToken) =>
        inner.TakeAsync(booking, deadline, cancellationToken);

    public Task<bool> ConfirmAsync(string holdId, DateTime deadline, CancellationToken cancellationToken)
    {
        if (faults.ShouldCrashAt(Point))
        {
            Environment.FailFast("Fault injection: crashing between charge and confirm.");
        }

        return inner.ConfirmAsync(holdId, deadline, cancellationToken);
    }

    public Task<HoldState> ReleaseAsync(Bookings.Domain.Booking booking, DateTime deadline, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(booking, deadline, cancellationToken);
}
