using System.Collections.Concurrent;
using System.Diagnostics;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Contracts.Payment.V1;
using HotelBooking.Payments.Grpc;
using HotelBooking.Services.IntegrationTests.Infrastructure;

namespace HotelBooking.Services.IntegrationTests.Database;

/// <summary>
/// EF Core's per-command diagnostics (what OpenTelemetry turns into database spans) run for sampled requests
/// only: an unsampled request makes the same queries without EF building an event for any of them.
/// </summary>
public sealed class DatabaseDiagnosticsTests : IDisposable
{
    private const string CommandExecuting = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuting";

    private readonly ServiceHost<PaymentGrpcService> _host = new("payment-db");
    private readonly PaymentService.PaymentServiceClient _client;
    private readonly EfEventRecorder _events = new();

    public DatabaseDiagnosticsTests() => _client = new PaymentService.PaymentServiceClient(_host.CreateChannel());

    public void Dispose()
    {
        _events.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task Charge_SampledCaller_EfReportsItsCommands()
    {
        var traceId = await ChargeAsync("diag-sampled", ActivityTraceFlags.Recorded);

        Assert.Contains(_events.Events, e => e.TraceId == traceId && e.Name == CommandExecuting);
    }

    [Fact]
    public async Task Charge_UnsampledCaller_EfReportsNothing()
    {
        var traceId = await ChargeAsync("diag-unsampled", ActivityTraceFlags.None);

        Assert.DoesNotContain(_events.Events, e => e.TraceId == traceId);
    }

    /// <summary>Charges (a write and its reads) as a caller whose trace has the given sampled flag; returns the trace id.</summary>
    private async Task<ActivityTraceId> ChargeAsync(string requestId, ActivityTraceFlags flags)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-{(flags == ActivityTraceFlags.Recorded ? "01" : "00")}";
        using (new Activity("caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), flags).Start())
        {
            var request = new ChargeRequest
            {
                RequestId = requestId,
                PaymentToken = "tok_visa",
                Amount = Money.FromMinor(120_00, "EUR"),
                Description = "diagnostics",
            };
            var payment = (await _client.ChargeAsync(request, new Grpc.Core.Metadata { { "traceparent", traceParent } })).Payment;
            Assert.Equal(PaymentStatus.Captured, payment.Status);
        }

        return traceId;
    }

    /// <summary>Every EF Core diagnostic event in the process, with the trace it happened in.</summary>
    private sealed class EfEventRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public EfEventRecorder()
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
            }
        }

        public ConcurrentQueue<(string Name, ActivityTraceId TraceId)> Events { get; } = new();

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.EntityFrameworkCore")
            {
                // Enabled for every event, as a listener that wants them all is: any gate must be the service's.
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (Activity.Current is { } activity)
            {
                Events.Enqueue((value.Key, activity.TraceId));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
