using Grpc.Core;
using HotelBooking.Gateway.Grpc;

namespace HotelBooking.UnitTests.Gateway;

/// <summary>The gateway's call-site retry: which answers it repeats a call for, and when it stops.</summary>
public sealed class RetryOnUnavailableTests
{
    private static readonly DateTime FarDeadline = DateTime.UtcNow.AddMinutes(5);

    [Fact]
    public async Task CallAsync_UnavailableTwiceThenAnswer_ReturnsTheAnswerAfterThreeAttempts()
    {
        var service = new ScriptedService(Fail(StatusCode.Unavailable), Fail(StatusCode.Unavailable), "answer");

        var answer = await RetryOnUnavailable.CallAsync(service, "request", FarDeadline, CancellationToken.None, Call);

        Assert.Equal("answer", answer);
        Assert.Equal(3, service.Attempts);
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.Internal)]
    public async Task CallAsync_OtherFailure_NotRepeated(StatusCode code)
    {
        var service = new ScriptedService(Fail(code), "never reached");

        var failure = await Assert.ThrowsAsync<RpcException>(() => RetryOnUnavailable.CallAsync(service, "request", FarDeadline, CancellationToken.None, Call).AsTask());

        Assert.Equal(code, failure.StatusCode);
        Assert.Equal(1, service.Attempts);
    }

    [Fact]
    public async Task CallAsync_UnavailableTheServiceAnsweredWithDetails_NotRepeated()
    {
        // Booking's "pending: a service it calls did not answer" carries google.rpc details; it retried already.
        var answered = new RpcException(new Status(StatusCode.Unavailable, "pending"),
            new Metadata { { "grpc-status-details-bin", new byte[] { 8, 14 } } });
        var service = new ScriptedService(answered, "never reached");

        var failure = await Assert.ThrowsAsync<RpcException>(() => RetryOnUnavailable.CallAsync(service, "request", FarDeadline, CancellationToken.None, Call).AsTask());

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(1, service.Attempts);
    }

    [Fact]
    public async Task CallAsync_UnavailableEveryTime_GivesUpAfterFourAttempts()
    {
        var service = new ScriptedService(Enumerable.Repeat<object>(Fail(StatusCode.Unavailable), 5).ToArray());

        var failure = await Assert.ThrowsAsync<RpcException>(() => RetryOnUnavailable.CallAsync(service, "request", FarDeadline, CancellationToken.None, Call).AsTask());

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(4, service.Attempts);
    }

    [Fact]
    public async Task CallAsync_DeadlineAlreadyPassed_UnavailableAnsweredWithoutWaiting()
    {
        var service = new ScriptedService(Fail(StatusCode.Unavailable), "answer");

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            RetryOnUnavailable.CallAsync(service, "request", DateTime.UtcNow.AddSeconds(-1), CancellationToken.None, Call).AsTask());

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(1, service.Attempts);
    }

    private static AsyncUnaryCall<string> Call(ScriptedService service, string request, CallOptions options) => service.Next();

    private static RpcException Fail(StatusCode code) => new(new Status(code, "scripted"));

    /// <summary>Answers each attempt with the next scripted outcome: a response, or an RpcException.</summary>
    private sealed class ScriptedService(params object[] outcomes)
    {
        public int Attempts { get; private set; }

        public AsyncUnaryCall<string> Next()
        {
            var outcome = outcomes[Attempts++];
            var response = outcome is RpcException failure ? Task.FromException<string>(failure) : Task.FromResult((string)outcome);
            return new AsyncUnaryCall<string>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }
}
