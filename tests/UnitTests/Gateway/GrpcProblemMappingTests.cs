using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.Gateway.Errors;

namespace HotelBooking.UnitTests.Gateway;

/// <summary>One case per row of the gRPC → HTTP table in docs/api.md.</summary>
public sealed class GrpcProblemMappingTests
{
    [Theory]
    [InlineData(StatusCode.InvalidArgument, null, 400)]
    [InlineData(StatusCode.OutOfRange, null, 400)]
    [InlineData(StatusCode.Unauthenticated, null, 401)]
    [InlineData(StatusCode.FailedPrecondition, ErrorReasons.PaymentDeclined, 402)]
    [InlineData(StatusCode.PermissionDenied, null, 403)]
    [InlineData(StatusCode.NotFound, null, 404)]
    [InlineData(StatusCode.FailedPrecondition, ErrorReasons.RoomsUnavailable, 409)]
    [InlineData(StatusCode.FailedPrecondition, ErrorReasons.BookingNotCancellable, 409)]
    [InlineData(StatusCode.FailedPrecondition, ErrorReasons.BookingFailed, 409)]
    [InlineData(StatusCode.Aborted, ErrorReasons.RequestInProgress, 409)]
    [InlineData(StatusCode.AlreadyExists, null, 409)]
    [InlineData(StatusCode.FailedPrecondition, ErrorReasons.IdempotencyKeyReused, 422)]
    [InlineData(StatusCode.ResourceExhausted, null, 429)]
    [InlineData(StatusCode.Unavailable, null, 503)]
    [InlineData(StatusCode.Internal, null, 503)]
    [InlineData(StatusCode.Unknown, null, 503)]
    [InlineData(StatusCode.Unimplemented, null, 503)]
    [InlineData(StatusCode.Cancelled, null, 503)]
    [InlineData(StatusCode.DataLoss, null, 503)]
    [InlineData(StatusCode.DeadlineExceeded, null, 504)]
    public void HttpStatusFor_EachTableRow_MapsAsDocumented(StatusCode code, string? reason, int httpStatus) =>
        Assert.Equal(httpStatus, GrpcProblemMapping.HttpStatusFor(code, reason));

    [Theory]
    [InlineData("check_in", "checkIn")]
    [InlineData("guest.email", "guest.email")]
    [InlineData("payment_token", "paymentToken")]
    [InlineData("guests", "guests")]
    public void JsonFieldName_ProtoFieldPath_CamelCaseJsonPath(string proto, string json) =>
        Assert.Equal(json, GrpcProblemMapping.JsonFieldName(proto));

    [Fact]
    public void ToProblem_InternalFailure_HidesTheServicesMessage()
    {
        var problem = GrpcProblemMapping.ToProblem(new RpcException(new Status(StatusCode.Internal, "NullReferenceException at Foo.cs:12")));

        Assert.Equal(503, problem.Status);
        Assert.DoesNotContain("Foo.cs", problem.Detail);
    }
}
