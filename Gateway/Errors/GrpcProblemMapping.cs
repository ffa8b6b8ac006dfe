using Google.Rpc;
using Grpc.Core;
using HotelBooking.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace HotelBooking.Gateway.Errors;

/// <summary>
/// The one table that turns a gRPC status into an HTTP problem. The canonical code picks the status;
/// where it cannot (a declined card, a reused idempotency key), the ErrorInfo reason does.
/// docs/api.md documents this table row by row.
/// </summary>
public static class GrpcProblemMapping
{
    public static int HttpStatusFor(StatusCode code, string? reason) => (code, reason) switch
    {
        (StatusCode.InvalidArgument or StatusCode.OutOfRange, _) => StatusCodes.Status400BadRequest,
        (StatusCode.Unauthenticated, _) => StatusCodes.Status401Unauthorized,
        (StatusCode.FailedPrecondition, ErrorReasons.PaymentDeclined) => StatusCodes.Status402PaymentRequired,
        (StatusCode.PermissionDenied, _) => StatusCodes.Status403Forbidden,
        (StatusCode.NotFound, _) => StatusCodes.Status404NotFound,
        (StatusCode.FailedPrecondition, ErrorReasons.IdempotencyKeyReused) => StatusCodes.Status422UnprocessableEntity,
        (StatusCode.FailedPrecondition or StatusCode.Aborted or StatusCode.AlreadyExists, _) => StatusCodes.Status409Conflict,
        // A service at its stream capacity is not the caller's fault.
        (StatusCode.ResourceExhausted, ErrorReasons.TooManyStreams) => StatusCodes.Status503ServiceUnavailable,
        (StatusCode.ResourceExhausted, _) => StatusCodes.Status429TooManyRequests,
        (StatusCode.DeadlineExceeded, _) => StatusCodes.Status504GatewayTimeout,
        // Unavailable, and every failure inside a service (Internal, Unknown, DataLoss, Unimplemented,
        // Cancelled): the gateway could not get an answer, which is a 503, not a 500 of its own.
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public static ProblemDetails ToProblem(RpcException exception)
    {
        var status = exception.GetRpcStatus();
        var info = status?.GetDetail<ErrorInfo>();
        var badRequest = status?.GetDetail<BadRequest>();
        var httpStatus = HttpStatusFor(exception.StatusCode, info?.Reason);

        ProblemDetails problem = httpStatus == StatusCodes.Status400BadRequest && badRequest is not null
            ? new HttpValidationProblemDetails(badRequest.FieldViolations
                .GroupBy(v => JsonFieldName(v.Field))
                .ToDictionary(g => g.Key, g => g.Select(v => v.Description).ToArray()))
            : new ProblemDetails();

        problem.Status = httpStatus;
        problem.Title = TitleFor(httpStatus, info?.Reason);
        // Messages of refusals are written for callers; those of failures may describe internals.
        problem.Detail = httpStatus < 500 || info?.Reason == ErrorReasons.BookingPending
            ? exception.Status.Detail
            : DetailForFailure(httpStatus);

        if (info is not null)
        {
            problem.Extensions["reason"] = info.Reason;
            if (info.Metadata.TryGetValue(ErrorReasons.BookingIdMetadata, out var bookingId))
            {
                problem.Extensions["bookingId"] = bookingId;
            }
        }

        return problem;
    }

    /// <summary>Proto field paths (<c>guest.email</c>, <c>check_in</c>) in the REST API's JSON names (<c>checkIn</c>).</summary>
    public static string JsonFieldName(string protoField) =>
        string.Join('.', protoField.Split('.').Select(part =>
        {
            var words = part.Split('_', StringSplitOptions.RemoveEmptyEntries);
            return string.Concat(words.Select((w, i) => i == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
        }));

    private static string TitleFor(int httpStatus, string? reason) => (httpStatus, reason) switch
    {
        (_, ErrorReasons.RoomsUnavailable) => "Not enough rooms are available.",
        (_, ErrorReasons.PaymentDeclined) => "The payment was declined.",
        (_, ErrorReasons.BookingNotCancellable) => "The booking cannot be cancelled.",
        (_, ErrorReasons.BookingFailed) => "The booking failed.",
        (_, ErrorReasons.BookingPending) => "The booking is not finished yet.",
        (_, ErrorReasons.IdempotencyKeyReused) => "The idempotency key was used for a different request.",
        (_, ErrorReasons.RequestInProgress) => "A request with this idempotency key is still in progress.",
        (400, _) => "The request is invalid.",
        (404, _) => "The resource was not found.",
        (409, _) => "The request conflicts with the current state.",
        (504, _) => "A service took too long to answer.",
        _ => "A service is unavailable.",
    };

    private static string DetailForFailure(int httpStatus) => httpStatus == StatusCodes.Status504GatewayTimeout
        ? "The request did not complete within its deadline. It may still complete; retry with the same Idempotency-Key to find out."
        : "A service this request needs is unavailable. Try again shortly.";
}
