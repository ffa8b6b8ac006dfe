using HotelBooking.Bookings.Domain;

namespace HotelBooking.Bookings.Saga;

/// <summary>The booking's money, as the saga needs it from the payment service.</summary>
/// <remarks>
/// Calls that go unanswered throw <see cref="ServiceUnavailableException"/>; anything else unexpected is thrown as
/// it comes. A charge is keyed by its <c>chargeKey</c>, so a repeated charge returns the first outcome.
/// </remarks>
public interface IPayments
{
    /// <summary>Charges the card: captured or declined (both are outcomes), or refused (an unknown token).</summary>
    Task<ChargeResult> ChargeAsync(string chargeKey, string paymentToken, long amountMinor, string currency, string description,
        DateTime deadline, CancellationToken cancellationToken);

    /// <summary>The charge made with <paramref name="chargeKey"/>, or null when none was.</summary>
    Task<Charge?> FindChargeAsync(string chargeKey, DateTime deadline, CancellationToken cancellationToken);

    /// <summary>Refunds a captured payment in full; refunding it again changes nothing.</summary>
    Task RefundAsync(string paymentId, DateTime deadline, CancellationToken cancellationToken);
}

/// <summary>A charge that reached the card network; <see cref="IsCaptured"/> is false when it was declined (or refunded since).</summary>
public sealed record Charge(string PaymentId, bool IsCaptured);

/// <summary>A charge (<see cref="Charge"/> is set) or why it was refused before reaching the card network.</summary>
public sealed record ChargeResult(Charge? Charge, Refusal? Refusal)
{
    public static implicit operator ChargeResult(Charge charge) => new(charge, null);

    public static implicit operator ChargeResult(Refusal refusal) => new(null, refusal);
}
