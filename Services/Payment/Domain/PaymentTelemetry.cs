using System.Diagnostics.Metrics;

namespace HotelBooking.Payments.Domain;

/// <summary>The payment service's own instruments.</summary>
public sealed class PaymentTelemetry
{
    public const string Name = "HotelBooking.Payment";

    private readonly Counter<long> _payments;

    public PaymentTelemetry(IMeterFactory meters) =>
        _payments = meters.Create(Name).CreateCounter<long>("hotelbooking.payments", "{payment}",
            "Charges and refunds by outcome: captured, declined, invalid_token, refunded.");

    public void Recorded(string outcome) =>
        _payments.Add(1, new KeyValuePair<string, object?>("hotelbooking.payment.outcome", outcome));
}
