namespace HotelBooking.Payments.Domain;

public enum AuthorizationOutcome
{
    Approved,
    Declined,
    InvalidToken,
}

public readonly record struct Authorization(AuthorizationOutcome Outcome, string CardDescription, string? DeclineReason = null);

/// <summary>
/// Stands in for a card network with Stripe-style test tokens: <c>tok_visa</c> is approved,
/// <c>tok_chargeDeclined</c> is declined, and any other token does not exist.
/// </summary>
public sealed class SimulatedCardNetwork
{
    public const string ApprovedToken = "tok_visa";
    public const string DeclinedToken = "tok_chargeDeclined";

    public Authorization Authorize(string token) => token switch
    {
        ApprovedToken => new(AuthorizationOutcome.Approved, "Visa test card"),
        DeclinedToken => new(AuthorizationOutcome.Declined, "Test card (always declined)", "card_declined"),
        _ => new(AuthorizationOutcome.InvalidToken, ""),
    };
}
