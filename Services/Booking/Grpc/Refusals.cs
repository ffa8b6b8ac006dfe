using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using HotelBooking.Bookings.Domain;
using HotelBooking.Contracts;

namespace HotelBooking.Bookings.Grpc;

/// <summary>
/// A <see cref="Refusal"/> and the <c>google.rpc.Status</c> it travels as: the status a downstream refused with
/// becomes a refusal, and a refusal replayed to a retry becomes that same status again (code, message, ErrorInfo,
/// BadRequest). The booking stores it in this form too (<see cref="ToBytes"/>), as it always has, so rows written
/// by any version read the same.
/// </summary>
public static class Refusals
{
    /// <summary>The downstream refused the request itself (as opposed to failing to answer): nothing was taken.</summary>
    public static bool IsRefusal(RpcException ex) =>
        ex.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.OutOfRange;

    public static Refusal FromRpcException(RpcException ex) =>
        FromStatus(ex.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)ex.StatusCode, Message = ex.Status.Detail });

    public static Refusal FromStatus(Google.Rpc.Status status)
    {
        var fields = status.GetDetail<BadRequest>()?.FieldViolations.Select(v => new RefusedField(v.Field, v.Description)).ToArray() ?? [];
        var reason = (Code)status.Code switch
        {
            Code.InvalidArgument => RefusalReason.InvalidRequest,
            Code.NotFound => RefusalReason.NotFound,
            Code.OutOfRange => RefusalReason.OutOfRange,
            Code.FailedPrecondition => status.GetDetail<ErrorInfo>()?.Reason switch
            {
                ErrorReasons.RoomsUnavailable => RefusalReason.RoomsUnavailable,
                ErrorReasons.IdempotencyKeyReused => RefusalReason.RequestIdReused,
                _ => RefusalReason.Other,
            },
            _ => RefusalReason.Other,
        };
        return new Refusal(reason, status.Message, fields);
    }

    public static Google.Rpc.Status ToStatus(Refusal refusal)
    {
        var status = new Google.Rpc.Status { Code = (int)CodeOf(refusal.Reason), Message = refusal.Message };
        if (refusal.Fields.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(refusal.Fields.Select(f =>
                new BadRequest.Types.FieldViolation { Field = f.Field, Description = f.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }

        if (ErrorReasonOf(refusal.Reason) is { } errorReason)
        {
            status.Details.Add(Any.Pack(new ErrorInfo { Domain = ErrorReasons.Domain, Reason = errorReason }));
        }

        return status;
    }

    public static RpcException ToRpcException(Refusal refusal) => ToStatus(refusal).ToRpcException();

    public static byte[] ToBytes(Refusal refusal) => ToStatus(refusal).ToByteArray();

    public static Refusal FromBytes(byte[] bytes) => FromStatus(Google.Rpc.Status.Parser.ParseFrom(bytes));

    private static Code CodeOf(RefusalReason reason) => reason switch
    {
        RefusalReason.InvalidRequest => Code.InvalidArgument,
        RefusalReason.NotFound => Code.NotFound,
        RefusalReason.OutOfRange => Code.OutOfRange,
        _ => Code.FailedPrecondition,
    };

    private static string? ErrorReasonOf(RefusalReason reason) => reason switch
    {
        RefusalReason.RoomsUnavailable => ErrorReasons.RoomsUnavailable,
        RefusalReason.RequestIdReused => ErrorReasons.IdempotencyKeyReused,
        _ => null,
    };
}
