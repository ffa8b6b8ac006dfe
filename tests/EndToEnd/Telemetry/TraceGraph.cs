namespace HotelBooking.EndToEnd.Telemetry;

/// <summary>One trace as a graph of spans, and the questions the trace-edge tests ask of it.</summary>
public sealed class TraceGraph(IReadOnlyList<ReceivedSpan> spans)
{
    private readonly Dictionary<string, ReceivedSpan> _byId = spans.ToDictionary(s => s.SpanId);

    public IReadOnlyList<ReceivedSpan> Spans => spans;

    /// <summary>Parent service → child service, for every parent/child pair that crosses a process.</summary>
    public IReadOnlySet<string> ServiceEdges => spans
        .Where(s => _byId.TryGetValue(s.ParentSpanId, out var parent) && parent.Service != s.Service)
        .Select(s => $"{_byId[s.ParentSpanId].Service}->{s.Service}")
        .ToHashSet();

    /// <summary>Spans whose parent is not in the trace.</summary>
    public IReadOnlyList<ReceivedSpan> Roots => spans.Where(s => !_byId.ContainsKey(s.ParentSpanId)).ToList();

    public IEnumerable<ReceivedSpan> ChildrenOf(ReceivedSpan span) => spans.Where(s => s.ParentSpanId == span.SpanId);

    public ReceivedSpan? ParentOf(ReceivedSpan span) => _byId.GetValueOrDefault(span.ParentSpanId);

    public IEnumerable<ReceivedSpan> GrpcClientSpans => spans.Where(s =>
        s.Kind == Otlp.Span.Types.SpanKind.Client && s.Attributes.GetValueOrDefault("rpc.system") == "grpc");

    public IEnumerable<ReceivedSpan> DatabaseSpans => spans.Where(s =>
        s.Attributes.ContainsKey("db.system") || s.Attributes.ContainsKey("db.system.name"));

    public string Describe() => string.Join(Environment.NewLine, spans
        .OrderBy(s => s.StartNanos)
        .Select(s => $"{s.Service,-12} {s.Kind,-18} {s.Name} (parent {(ParentOf(s) is { } p ? p.Service + ":" + p.Name : "none")}) status={s.Status} " +
            string.Join(" ", s.Attributes.Select(a => $"{a.Key}={a.Value}"))));
}
