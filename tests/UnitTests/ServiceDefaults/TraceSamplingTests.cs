using System.Buffers.Binary;
using System.Diagnostics;
using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace HotelBooking.UnitTests.ServiceDefaults;

/// <summary>The shipped sampler: parent-based, 10% where a trace starts, and the OpenTelemetry variables that change it.</summary>
public sealed class TraceSamplingTests
{
    [Fact]
    public void DefaultSampler_NoVariables_RecordsRootsWhoseTraceIdFallsInTheFirstTenPercent()
    {
        var sampler = TraceSampling.DefaultSampler(Configuration())!;

        // TraceIdRatioBased compares the trace id's first 8 bytes with ratio × long.MaxValue: deterministic.
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Root(TraceIdAt(0.05))).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Root(TraceIdAt(0.099))).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Root(TraceIdAt(0.101))).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Root(TraceIdAt(0.9))).Decision);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData(null)]
    public void DefaultSampler_CallerDecided_FollowsTheCallerWhateverTheRatio(string? ratio)
    {
        var sampler = TraceSampling.DefaultSampler(Configuration(argument: ratio))!;

        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Child(TraceIdAt(0.9), ActivityTraceFlags.Recorded)).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Child(TraceIdAt(0.01), ActivityTraceFlags.None)).Decision);
    }

    [Fact]
    public void DefaultSampler_RatioArgument_SetsTheRootRatio()
    {
        Assert.Equal(SamplingDecision.Drop, TraceSampling.DefaultSampler(Configuration(argument: "0"))!.ShouldSample(Root(TraceIdAt(0.0001))).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, TraceSampling.DefaultSampler(Configuration(argument: "1"))!.ShouldSample(Root(TraceIdAt(0.9999))).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, TraceSampling.DefaultSampler(Configuration(argument: "0.5"))!.ShouldSample(Root(TraceIdAt(0.49))).Decision);
    }

    [Theory]
    [InlineData("always_on")]
    [InlineData("parentbased_traceidratio")]
    public void DefaultSampler_SamplerVariableSet_LeavesItToTheSdk(string sampler) =>
        Assert.Null(TraceSampling.DefaultSampler(Configuration(sampler, "0.5")));

    [Theory]
    [InlineData("ten percent")]
    [InlineData("10")]
    [InlineData("-0.1")]
    public void DefaultSampler_RatioArgumentNotARatio_FailsNamingTheVariable(string argument)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TraceSampling.DefaultSampler(Configuration(argument: argument)));
        Assert.Contains("OTEL_TRACES_SAMPLER_ARG", error.Message);
        Assert.Contains(argument, error.Message);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    public async Task ServiceDefaults_RatioFromConfiguration_DecidesTheProcessRootSpans(string ratio, bool recorded)
    {
        // The wiring, not only the sampler: a host with the service defaults and no exporter.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [TraceSampling.SamplerArgumentKey] = ratio });
        builder.AddServiceDefaults();
        using var host = builder.Build();
        await host.StartAsync();
        using var source = new ActivitySource("HotelBooking.UnitTests.Sampling");

        using (var root = source.StartActivity("root"))
        {
            Assert.Equal(recorded, root?.Recorded ?? false);
        }

        await host.StopAsync();
    }

    private static IConfiguration Configuration(string? sampler = null, string? argument = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TraceSampling.SamplerKey] = sampler,
            [TraceSampling.SamplerArgumentKey] = argument,
        }).Build();

    private static ActivityTraceId TraceIdAt(double fraction)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, (long)(fraction * long.MaxValue));
        bytes[15] = 1;
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    private static SamplingParameters Root(ActivityTraceId traceId) =>
        new(default, traceId, "root", ActivityKind.Server);

    private static SamplingParameters Child(ActivityTraceId traceId, ActivityTraceFlags flags) =>
        new(new ActivityContext(traceId, ActivitySpanId.CreateRandom(), flags, isRemote: true), traceId, "child", ActivityKind.Server);
}
