using HotelBooking.Bookings.Saga;
using HotelBooking.Services.Shared.Faults;

namespace HotelBooking.Bookings.Extensions;

/// <summary>
/// Test-only crash point, armed through /_faults (<c>crashAt: "after-charge"</c>) outside Production: the next
/// captured charge kills the process on the spot, as a real crash would, leaving a booking whose rooms are held
/// and whose card is charged but whose charge is not yet recorded, for recovery to find and settle. It wraps the
/// charge because only a new booking charges (recovery looks a charge up), so it never fires in a recovery pass.
/// </summary>
public sealed class CrashAfterCharge(IPayments inner, FaultInjector faults) : IPayments
{
    public const string Point = "after-charge";

    public async Task<ChargeResult> ChargeAsync(string chargeKey, string paymentToken, long amountMinor, string currency,
        string description, DateTime deadline, CancellationToken cancellationToken)
    {
        var result = await inner.ChargeAsync(chargeKey, paymentToken, amountMinor, currency, description, deadline, cancellationToken);
        if (result.Charge is { IsCaptured: true } && faults.ShouldCrashAt(Point))
        {
            Environment.FailFast("Fault injection: crashing between charge and confirm.");
        }

        return result;
    }

    public Task<Charge?> FindChargeAsync(string chargeKey, DateTime deadline, CancellationToken cancellationToken) =>
        inner.FindChargeAsync(chargeKey, deadline, cancellationToken);

    public Task RefundAsync(string paymentId, DateTime deadline, CancellationToken cancellationToken) =>
        inner.RefundAsync(paymentId, deadline, cancellationToken);
}
