using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using HotelBooking.Contracts;

namespace HotelBooking.Services.Shared.Grpc;

/// <summary>
/// Throws rich gRPC errors (google.rpc.Status with BadRequest or ErrorInfo details), so that the
/// gateway can turn each one into a precise problem response without parsing messages.
/// </summary>
public static class RpcErrors
{
    [DoesNotReturn]
    public static void InvalidArgument(string field, string description) =>
        InvalidArgument([new FieldError(field, description)]);

    [DoesNotReturn]
    public static void InvalidArgument(IReadOnlyCollection<FieldError> errors) =>
        throw RpcStatuses.InvalidArgument(errors).ToRpcException();

    [DoesNotReturn]
    public static void NotFound(string message) => throw RpcStatuses.NotFound(message).ToRpcException();

    /// <summary>A domain rule refused the call; <paramref name="reason"/> names which (ErrorInfo.reason).</summary>
    [DoesNotReturn]
    public static void FailedPrecondition(string reason, string message, IDictionary<string, string>? metadata = null) =>
        throw RpcStatuses.WithReason(Code.FailedPrecondition, reason, message, metadata).ToRpcException();

    /// <summary>A service this call needed did not answer; <paramref name="reason"/> and the metadata say what was left behind.</summary>
    [DoesNotReturn]
    public static void Unavailable(string reason, string message, IDictionary<string, string>? metadata = null) =>
        throw RpcStatuses.WithReason(Code.Unavailable, reason, message, metadata).ToRpcException();

    /// <summary>A limit of this server is reached (not the caller's fault); the caller may retry later.</summary>
    [DoesNotReturn]
    public static void ResourceExhausted(string reason, string message) =>
        throw RpcStatuses.WithReason(Code.ResourceExhausted, reason, message).ToRpcException();

    /// <summary>The call's deadline passed before it could take effect; nothing was done.</summary>
    [DoesNotReturn]
    public static void DeadlineExceeded(string message) =>
        throw new Google.Rpc.Status { Code = (int)Code.DeadlineExceeded, Message = message }.ToRpcException();

    /// <summary>A concurrent call holds what this one needs; the caller may retry later.</summary>
    [DoesNotReturn]
    public static void Aborted(string reason, string message) =>
        throw RpcStatuses.WithReason(Code.Aborted, reason, message).ToRpcException();
}

/// <summary>
/// The statuses <see cref="RpcErrors"/> throws, for where a status is sent rather than thrown: an error
/// message on a stream that goes on after it.
/// </summary>
public static class RpcStatuses
{
    public static Google.Rpc.Status InvalidArgument(IReadOnlyCollection<FieldError> errors)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(errors.Select(e =>
            new BadRequest.Types.FieldViolation { Field = e.Field, Description = e.Description }));

        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = errors.Count == 1 ? errors.First().Description : "The request has invalid fields.",
            Details = { Any.Pack(badRequest) },
        };
    }

    public static Google.Rpc.Status NotFound(string message) => new() { Code = (int)Code.NotFound, Message = message };

    public static Google.Rpc.Status WithReason(Code code, string reason, string message, IDictionary<string, string>? metadata = null)
    {
        var info = new ErrorInfo { Domain = ErrorReasons.Domain, Reason = reason };
        if (metadata is not null)
        {
            info.Metadata.Add(metadata);
        }

        return new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
    }
}

public readonly record struct FieldError(string Field, string Description);

/// <summary>Collects every field error of a request, so the caller learns all of them at once.</summary>
public sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public bool IsEmpty => _errors.Count == 0;

    public FieldErrors Add(string field, string description)
    {
        _errors.Add(new FieldError(field, description));
        return this;
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            RpcErrors.InvalidArgument(_errors);
        }
    }
}
