using System.Globalization;
using System.Net;
using System.Text;
using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;

namespace HotelBooking.EndToEnd.Telemetry;

/// <summary>Draws a trace as an SVG waterfall, from the spans the services really exported.</summary>
public static class TraceWaterfall
{
    private const int RowHeight = 22;
    private const int LabelWidth = 430;
    private const int BarWidth = 520;

    private static readonly Dictionary<string, string> Colours = new()
    {
        ["gateway"] = "#4e79a7",
        ["booking"] = "#f28e2b",
        ["availability"] = "#59a14f",
        ["payment"] = "#e15759",
    };

    public static void Write(string fileName, TraceGraph trace)
    {
        var spans = Ordered(trace).ToList();
        var start = spans.Min(s => s.Span.StartNanos);
        var total = Math.Max(1, spans.Max(s => s.Span.EndNanos) - start);
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{LabelWidth + BarWidth + 90}\" height=\"{(spans.Count + 1) * RowHeight + 10}\" font-family=\"monospace\" font-size=\"12\">")
            .Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"5\" y=\"15\">One booking, {spans.Count} spans, {total / 1e6:F1} ms — drawn from the OTLP export of every process</text>");

        for (var i = 0; i < spans.Count; i++)
        {
            var (span, depth) = spans[i];
            var y = (i + 1) * RowHeight + 5;
            var x = LabelWidth + (double)(span.StartNanos - start) / total * BarWidth;
            var width = Math.Max(1.5, (double)(span.EndNanos - span.StartNanos) / total * BarWidth);
            var colour = Colours.GetValueOrDefault(span.Service, "#999");
            var label = WebUtility.HtmlEncode($"{new string(' ', depth * 2)}{span.Service}: {Shorten(Label(span))}");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"5\" y=\"{y + 14}\" xml:space=\"preserve\">{label}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y + 3}\" width=\"{width:F1}\" height=\"15\" fill=\"{colour}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Math.Min(x + width + 4, LabelWidth + BarWidth + 5):F1}\" y=\"{y + 14}\">{(span.EndNanos - span.StartNanos) / 1e6:F1}</text>");
        }

        Artifacts.Write(fileName, svg.Append("</svg>").ToString());
    }

    private static IEnumerable<(ReceivedSpan Span, int Depth)> Ordered(TraceGraph trace)
    {
        IEnumerable<(ReceivedSpan, int)> Walk(ReceivedSpan span, int depth) =>
            trace.ChildrenOf(span).OrderBy(c => c.StartNanos).SelectMany(c => Walk(c, depth + 1)).Prepend((span, depth));

        return trace.Roots.OrderBy(r => r.StartNanos).SelectMany(r => Walk(r, 0));
    }

    // Database spans are all named after the database; their statement says what they did.
    private static string Label(ReceivedSpan span) =>
        span.Attributes.GetValueOrDefault("db.statement") is { } sql
            ? "sqlite " + string.Join(' ', sql.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Take(3))
            : span.Name;

    private static string Shorten(string name) => name.Length > 48 ? name[..47] + "…" : name;
}
