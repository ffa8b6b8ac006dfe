using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using HotelBooking.Availability.Quotes;
using HotelBooking.Contracts;
using HotelBooking.ServiceDefaults.Grpc;

namespace HotelBooking.Availability.Grpc;

/// <summary>The statuses this service's outcomes become: the same for a unary call and for a message on a stream.</summary>
internal static class AvailabilityErrors
{
    /// <summary>INVALID_ARGUMENT naming every bad field, or NOT_FOUND for a hotel that does not exist.</summary>
    [DoesNotReturn]
    public static void Refuse(CriteriaResult refused)
    {
        switch (refused.Outcome)
        {
            case CriteriaOutcome.Invalid:
                RpcErrors.InvalidArgument([.. refused.Problems.Select(p => new FieldError(p.Field, p.Message))]);
                break;
            case CriteriaOutcome.HotelNotFound:
                HotelNotFound(refused.Criteria.HotelId);
                break;
        }

        throw new UnreachableException($"Criteria that are {refused.Outcome} are not refused.");
    }

    /// <summary>
    /// The status <see cref="Refuse"/> fails a call with, for StreamQuotes to send as a message. RpcErrors only
    /// throws; taking the status from what it throws keeps the stream's error the unary call's, detail for detail.
    /// </summary>
    public static Google.Rpc.Status StatusOf(CriteriaResult refused)
    {
        try
        {
            Refuse(refused);
        }
        catch (RpcException e) when (e.GetRpcStatus() is { } status)
        {
            return status;
        }

        throw new UnreachableException();
    }

    [DoesNotReturn]
    public static void HotelNotFound(string hotelId) => RpcErrors.NotFound($"Hotel '{hotelId}' was not found.");

    [DoesNotReturn]
    public static void TooManyStreams(int max) => RpcErrors.ResourceExhausted(ErrorReasons.TooManyStreams,
        $"This server has {max} streams open, its maximum; try again shortly.");
}
