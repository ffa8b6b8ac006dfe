using HotelBooking.Bookings.Domain;
using HotelBooking.Bookings.Grpc;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace HotelBooking.Bookings.Data;

/// <summary>
/// How a booking's failure and refusal are stored: in the forms earlier versions wrote, so rows written before
/// and after read the same, and an older instance still running during a rolling upgrade reads new rows.
/// </summary>
internal static class StoredForms
{
    /// <summary>The reason as the sentence earlier versions stored (and showed in BOOKING_FAILED messages).</summary>
    public static readonly ValueConverter<FailureReason, string> FailureReason = new(
        reason => reason.Describe(),
        stored => Parse(stored));

    /// <summary>The refusal as the serialized <c>google.rpc.Status</c> it was answered with (see <see cref="Refusals"/>).</summary>
    public static readonly ValueConverter<Refusal?, byte[]> Refusal = new(
        refusal => Refusals.ToBytes(refusal!),
        stored => Refusals.FromBytes(stored));

    private static readonly Dictionary<string, FailureReason> ByDescription =
        Enum.GetValues<FailureReason>().ToDictionary(r => r.Describe());

    // Refusals were stored as "Refused: <gRPC status code>"; the refusal itself says more.
    private static FailureReason Parse(string stored) =>
        stored.StartsWith("Refused", StringComparison.Ordinal) ? Domain.FailureReason.Refused : ByDescription[stored];
}
