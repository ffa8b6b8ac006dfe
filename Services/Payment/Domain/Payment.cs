namespace HotelBooking.Payments.Domain;

public enum PaymentStatus
{
    Captured,
    Declined,
    Refunded,
}

/// <summary>
/// One charge attempt that reached the card network, kept per request id. It holds what a
/// processor may keep: amount, outcome and a masked card description; never the token or a card number.
/// </summary>
public sealed class Payment
{
    public required string Id { get; init; }
    /// <summary>The caller's key for the charge (AIP-155): a retry with it gets this payment, never a second charge.</summary>
    public required string RequestId { get; init; }
    /// <summary>SHA-256 of the request (token, amount, currency): tells a retry from a reused key without keeping the token.</summary>
    public required string RequestFingerprint { get; init; }
    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    /// <summary>Captured or declined when stored; a captured payment may become Refunded (<c>PaymentDbContext.RefundAsync</c>).</summary>
    public required PaymentStatus Status { get; init; }
    public required string CardDescription { get; init; }
    public string? DeclineReason { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? RefundedAt { get; init; }

    public static string NewId() => "pay_" + Guid.NewGuid().ToString("N");
}
