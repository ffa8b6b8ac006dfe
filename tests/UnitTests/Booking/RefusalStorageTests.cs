using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using HotelBooking.Bookings.Domain;
using HotelBooking.Bookings.Grpc;
using HotelBooking.Contracts;

namespace HotelBooking.UnitTests.Booking;

/// <summary>
/// Refusals are stored as the google.rpc.Status they were answered with, as earlier versions stored them: a row
/// written before reads as a refusal, and replays byte for byte the status it was refused with.
/// </summary>
public sealed class RefusalStorageTests
{
    public static TheoryData<string, RefusalReason> StoredStatuses => new()
    {
        { Stored(Code.InvalidArgument, "Unknown token.", new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "payment_token", Description = "Unknown token." } } }), RefusalReason.InvalidRequest },
        { Stored(Code.NotFound, "Hotel 'x' was not found."), RefusalReason.NotFound },
        { Stored(Code.FailedPrecondition, "Not enough rooms.", new ErrorInfo { Domain = ErrorReasons.Domain, Reason = ErrorReasons.RoomsUnavailable }), RefusalReason.RoomsUnavailable },
        { Stored(Code.FailedPrecondition, "Reused.", new ErrorInfo { Domain = ErrorReasons.Domain, Reason = ErrorReasons.IdempotencyKeyReused }), RefusalReason.RequestIdReused },
    };

    [Theory]
    [MemberData(nameof(StoredStatuses))]
    public void FromBytes_RowWrittenByEarlierVersions_ReadsAndReplaysTheSameStatus(string storedBase64, RefusalReason reason)
    {
        var stored = Convert.FromBase64String(storedBase64);

        var refusal = Refusals.FromBytes(stored);

        Assert.Equal(reason, refusal.Reason);
        Assert.Equal(stored, Refusals.ToBytes(refusal));
    }

    private static string Stored(Code code, string message, IMessage? detail = null)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (detail is not null)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return Convert.ToBase64String(status.ToByteArray());
    }
}
