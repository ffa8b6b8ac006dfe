namespace HotelBooking.Contracts;

/// <summary>
/// The one rule for the ids that make a creating call idempotent (AIP-155): the REST edge's Idempotency-Key
/// header and every <c>request_id</c> inside. Printable ASCII, so the same id is valid as an HTTP header, a
/// gRPC field and a database key; 200 characters leave room for a UUID with a client's prefix.
/// </summary>
public static class RequestIds
{
    public const int MaxLength = 200;

    public const string Rule = "1 to 200 printable ASCII characters";

    public static bool IsValid(string? requestId) =>
        requestId is { Length: > 0 and <= MaxLength } && requestId.All(c => c is >= '!' and <= '~');
}
