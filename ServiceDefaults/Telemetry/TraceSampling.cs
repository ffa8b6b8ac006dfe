using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace HotelBooking.ServiceDefaults.Telemetry;

/// <summary>
/// Which traces are recorded. A trace is decided where it starts — at the gateway for every request — and
/// every process after it follows the caller's decision (the <c>sampled</c> flag of <c>traceparent</c>), so
/// a trace is whole or absent. The shipped default is <c>parentbased_traceidratio</c> at
/// <see cref="DefaultRatio"/>; the OpenTelemetry environment variables change it:
/// <list type="bullet">
/// <item><c>OTEL_TRACES_SAMPLER_ARG</c> alone sets the default sampler's ratio (<c>1</c> records every trace).</item>
/// <item><c>OTEL_TRACES_SAMPLER</c> (<c>always_on</c>, <c>parentbased_always_off</c>, <c>traceidratio</c>, …) picks
/// another sampler; then this class stays out of the way and the SDK reads both variables itself.</item>
/// </list>
/// </summary>
public static class TraceSampling
{
    public const string SamplerKey = "OTEL_TRACES_SAMPLER";
    public const string SamplerArgumentKey = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>One trace in ten: what bench/Scenarios/TracingScenario.cs measures as "parent-based 10%".</summary>
    public const double DefaultRatio = 0.1;

    /// <summary>
    /// The sampler to set in code, or null when <c>OTEL_TRACES_SAMPLER</c> names one (the SDK then builds it,
    /// and would ignore its variables if a sampler were set in code).
    /// </summary>
    public static Sampler? DefaultSampler(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[SamplerKey])
            ? new ParentBasedSampler(new TraceIdRatioBasedSampler(Ratio(configuration[SamplerArgumentKey])))
            : null;

    private static double Ratio(string? argument)
    {
        if (string.IsNullOrWhiteSpace(argument))
        {
            return DefaultRatio;
        }

        // The SDK would log a bad value and record everything; a typo should not multiply the telemetry bill.
        return double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException(
                $"{SamplerArgumentKey} is '{argument}': it must be a ratio between 0 and 1 (0.1 records one trace in ten).");
    }
}
