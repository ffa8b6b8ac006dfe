using System.Collections.Concurrent;
using Google.Protobuf;
using HotelBooking.EndToEnd.Telemetry.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HotelBooking.EndToEnd.Telemetry;

public sealed record ReceivedSpan(
    string Service, string TraceId, string SpanId, string ParentSpanId, string Name, Span.Types.SpanKind Kind,
    IReadOnlyDictionary<string, string> Attributes, Status.Types.StatusCode Status,
    IReadOnlyList<string> LinkedTraceIds, int EventCount, ulong StartNanos, ulong EndNanos);

public sealed record ReceivedLog(string Service, string Category, string TraceId, string SpanId, string Text);

/// <summary>
/// An OTLP/HTTP (protobuf) receiver inside the test process: every service exports its traces, logs and
/// metrics here, so the tests can assert what really left each process.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();
    public ConcurrentQueue<ReceivedLog> Logs { get; } = new();
    public ConcurrentDictionary<string, byte> MetricNames { get; } = new();

    public Uri Endpoint => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);

        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            receiver.Add(ExportTraceServiceRequest.Parser.ParseFrom(await ReadAsync(request)));
            return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            receiver.Add(ExportLogsServiceRequest.Parser.ParseFrom(await ReadAsync(request)));
            return Results.Bytes(new ExportLogsServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            foreach (var metric in ExportMetricsServiceRequest.Parser.ParseFrom(await ReadAsync(request)).ResourceMetrics
                .SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
            {
                receiver.MetricNames.TryAdd(metric.Name, 0);
            }

            return Results.Bytes(new ExportMetricsServiceResponse().ToByteArray(), "application/x-protobuf");
        });

        await app.StartAsync();
        return receiver;
    }

    public IReadOnlyList<ReceivedSpan> SpansOf(string traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    /// <summary>Waits until the trace has spans from every service named and no new span arrived for a moment.</summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForTraceAsync(string traceId, params string[] services) =>
        WaitForTraceAsync(traceId, _ => true, services);

    /// <summary>The trace once every service has sent spans, <paramref name="complete"/> holds and no new span came for 500 ms.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<ReceivedSpan>, bool> complete, params string[] services)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var lastCount = -1;
        while (true)
        {
            var spans = SpansOf(traceId);
            if (services.All(service => spans.Any(s => s.Service == service)) && complete(spans) && spans.Count == lastCount)
            {
                return spans;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"Trace {traceId} has spans from [{string.Join(", ", spans.Select(s => s.Service).Distinct())}], expected [{string.Join(", ", services)}].");
            lastCount = spans.Count;
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = ServiceName(resource.Resource);
            foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
            {
                Spans.Enqueue(new ReceivedSpan(service, Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name, span.Kind,
                    span.Attributes.ToDictionary(a => a.Key, a => Text(a.Value)), span.Status?.Code ?? Status.Types.StatusCode.Unset,
                    span.Links.Select(l => Hex(l.TraceId)).ToList(), span.Events.Count, span.StartTimeUnixNano, span.EndTimeUnixNano));
            }
        }
    }

    private void Add(ExportLogsServiceRequest request)
    {
        foreach (var resource in request.ResourceLogs)
        {
            var service = ServiceName(resource.Resource);
            foreach (var scope in resource.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    var text = string.Join(" | ", record.Attributes.Select(a => $"{a.Key}={Text(a.Value)}").Prepend(Text(record.Body)));
                    Logs.Enqueue(new ReceivedLog(service, scope.Scope?.Name ?? "", Hex(record.TraceId), Hex(record.SpanId), text));
                }
            }
        }
    }

    private static string ServiceName(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Text(name.Value) : "";

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue.ToString(),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => string.Join(",", value.ArrayValue.Values.Select(Text)),
        _ => "",
    };

    private static string Hex(ByteString bytes) => bytes.IsEmpty ? "" : Convert.ToHexStringLower(bytes.Span);

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
