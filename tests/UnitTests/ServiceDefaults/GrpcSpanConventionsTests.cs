using System.Diagnostics;
using HotelBooking.ServiceDefaults.Telemetry;

namespace HotelBooking.UnitTests.ServiceDefaults;

/// <summary>The RPC attributes every gRPC span gets, and the method-name cache behind them.</summary>
public sealed class GrpcSpanConventionsTests
{
    [Theory]
    [InlineData("/hotelbooking.payment.v1.PaymentService/Charge")]
    [InlineData("hotelbooking.payment.v1.PaymentService/Charge")]
    public void MethodName_FullMethodPath_ServiceAndMethod(string path)
    {
        var name = new GrpcMethodNames().Of(path);

        Assert.Equal(new GrpcMethodName("hotelbooking.payment.v1.PaymentService", "Charge"), name);
    }

    [Fact]
    public void MethodName_SameMethodTwice_SplitOnceAndReused()
    {
        var names = new GrpcMethodNames();

        Assert.Same(names.Of("/hotelbooking.booking.v1.BookingService/GetBooking"), names.Of("/hotelbooking.booking.v1.BookingService/GetBooking"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/NoMethod")]
    [InlineData("/Service/")]
    [InlineData("/a/b/c")]
    public void MethodName_NotAMethodPath_Null(string path) => Assert.Null(new GrpcMethodNames().Of(path));

    [Fact]
    public void MethodName_ManyMadeUpPaths_CacheStaysBounded()
    {
        var names = new GrpcMethodNames();
        for (var i = 0; i < GrpcMethodNames.MaxCached * 2; i++)
        {
            Assert.Equal($"Made{i}", names.Of($"/made.up.Service/Made{i}")!.Method);
        }

        Assert.Equal(GrpcMethodNames.MaxCached, names.CachedCount);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("OK", 0)]
    [InlineData("9", 9)]
    [InlineData("FAILED_PRECONDITION", 9)]
    [InlineData("DEADLINE_EXCEEDED", 4)]
    [InlineData("UNAVAILABLE", 14)]
    [InlineData("16", 16)]
    public void StatusCode_NumberOrName_TheNumber(string text, int expected) =>
        Assert.Equal(expected, GrpcStatusCodes.Of(text));

    [Theory]
    [InlineData("17")]
    [InlineData("-1")]
    [InlineData("FailedPreconditionish")]
    [InlineData(null)]
    public void StatusCode_NeitherNumberNorName_Null(string? text) => Assert.Null(GrpcStatusCodes.Of(text));

    [Fact]
    public void OnEnd_ServerSpan_RpcAttributesFromAspNetCoresTags()
    {
        using var activity = new Activity("server").Start();
        activity.SetTag("grpc.method", "/hotelbooking.availability.v1.AvailabilityService/CreateHold");
        activity.SetTag("grpc.status_code", "9");

        new GrpcSpanConventions().OnEnd(activity);

        Assert.Equal("grpc", activity.GetTagItem("rpc.system"));
        Assert.Equal("hotelbooking.availability.v1.AvailabilityService", activity.GetTagItem("rpc.service"));
        Assert.Equal("CreateHold", activity.GetTagItem("rpc.method"));
        Assert.Equal(9, activity.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public void OnEnd_ClientSpan_RpcAttributesFromTheClientInstrumentationsTags()
    {
        using var activity = new Activity("client").Start();
        activity.SetTag("rpc.system.name", "grpc");
        activity.SetTag("rpc.method", "hotelbooking.payment.v1.PaymentService/Charge");
        activity.SetTag("rpc.response.status_code", "OK");

        new GrpcSpanConventions().OnEnd(activity);

        Assert.Equal("hotelbooking.payment.v1.PaymentService", activity.GetTagItem("rpc.service"));
        Assert.Equal("Charge", activity.GetTagItem("rpc.method"));
        Assert.Equal(0, activity.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public void OnEnd_NotAGrpcSpan_Untouched()
    {
        using var activity = new Activity("http").Start();
        activity.SetTag("url.path", "/api/hotels");

        new GrpcSpanConventions().OnEnd(activity);

        Assert.Null(activity.GetTagItem("rpc.system"));
    }
}
