using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using HotelBooking.Availability.Quotes;
using HotelBooking.Contracts;
using HotelBooking.Services.Shared.Grpc;

namespace HotelBooking.Availability.Grpc;

/// <summary>The statuses this service's outcomes become: the same for a unary call and for a message on a stream.</summary>
internal static class AvailabilityErrors
{
    /// <summary>INVALID_ARGUMENT naming every bad field, or NOT_FOUND for a hotel that does not exist.</summary>
    [DoesNotReturn]
    public static void Refuse(CriteriaResult refused) => throw StatusOf(refused).ToRpcException();

    /// <summary>The status <see cref="Refuse"/> fails a call with, for StreamQuotes to send as a message.</summary>
    public static Google.Rpc.Status StatusOf(CriteriaResult refused) => refused.Outcome switch
    {
        CriteriaOutcome.Invalid => RpcStatuses.InvalidArgument([.. refused.Problems.Select(p => new FieldError(p.Field, p.Message))]),
        CriteriaOutcome.HotelNotFound => RpcStatuses.NotFound(HotelNotFoundMessage(refused.Criteria.HotelId)),
        _ => throw new UnreachableException($"Criteria that are {refused.Outcome} are not refused."),
    };

    [DoesNotReturn]
    public static void HotelNotFound(string hotelId) => RpcErrors.NotFound(HotelNotFoundMessage(hotelId));

    private static string HotelNotFoundMessage(string hotelId) => $"Hotel '{hotelId}' was not found.";

    [DoesNotReturn]
    public static void TooManyStreams(int max) => RpcErrors.ResourceExhausted(ErrorReasons.TooManyStreams,
        $"This server has {max} streams open, its maximum; try again shortly.");
}
