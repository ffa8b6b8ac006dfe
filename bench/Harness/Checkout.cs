using System.Diagnostics;
using System.Text.RegularExpressions;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// A checkout of this repository whose build the bench runs: this one, or another given with
/// <c>--baseline</c> (an older commit) so that old and new run side by side, driven by the same client code.
/// </summary>
public sealed partial record Checkout(string Label, string Root)
{
    public static Checkout Current { get; } = new("new", BenchSystem.RepositoryRoot);

    /// <summary>
    /// The servers run in the bench's own configuration: Release for figures (<c>dotnet run -c Release</c>);
    /// Debug only for a smoke that must start and finish, like CI's, which reuses the build its tests made.
    /// </summary>
    public static string Configuration { get; } =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>A built server's entry assembly, e.g. <c>("Gateway", "Gateway.dll")</c>.</summary>
    public string BuiltDll(string projectDirectory, string dll) => Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", dll);

    /// <summary>
    /// The runtime's settings a server's image sets: the <c>ENV DOTNET_NAME=value</c> lines of its Dockerfile's
    /// last stage, one variable per line. Environment variables only, which no build output carries, so the
    /// bench reads them where they ship; any other form of an <c>ENV DOTNET_</c> line is refused rather than
    /// misread. A checkout whose images set none runs with the runtime's defaults, as it shipped.
    /// </summary>
    public Dictionary<string, string> ImageRuntimeSettings(string projectDirectory)
    {
        var dockerfile = Path.Combine(Root, projectDirectory, "Dockerfile");
        if (!File.Exists(dockerfile))
        {
            return [];
        }

        var lines = File.ReadAllLines(dockerfile).Select(line => line.Trim()).ToList();
        var lastStage = lines.FindLastIndex(line => line.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase));
        var settings = new Dictionary<string, string>();
        foreach (var line in lines.Skip(lastStage + 1).Where(line => line.StartsWith("ENV DOTNET_", StringComparison.OrdinalIgnoreCase)))
        {
            var setting = RuntimeSetting().Match(line);
            if (!setting.Success || !settings.TryAdd(setting.Groups[1].Value, setting.Groups[2].Value))
            {
                throw new InvalidOperationException($"{dockerfile}: '{line}' is not one ENV DOTNET_NAME=value the bench can read (one variable per line, once).");
            }
        }

        return settings;
    }

    [GeneratedRegex(@"^ENV (DOTNET_\w+)=(\S+)$")]
    private static partial Regex RuntimeSetting();

    /// <summary>
    /// Builds before the gRPC JSON transcoding had availability's hand-written REST endpoint,
    /// <c>/comparison/hotels/{id}/availability</c>, mapped only in the "Benchmark" environment; later ones
    /// answer the proto's <c>google.api.http</c> route <c>/v1/hotels/{hotel_id}/availability</c> themselves.
    /// </summary>
    public bool HasComparisonEndpoint { get; } = File.Exists(Path.Combine(Root, "Services/Availability/Comparison/RestComparisonApi.cs"));

    /// <summary>The checkout's own REST/JSON path for one availability query, straight to the service.</summary>
    public string DirectRestPath(StayQuery stay) => HasComparisonEndpoint ? stay.ComparisonPath : stay.TranscodedPath;

    /// <summary>Every service and the gateway (one build of the AppHost, which references them all).</summary>
    public void Build()
    {
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(Root, "AppHost"), "-c", Configuration, "-v", "q", "--nologo"])
        {
            RedirectStandardOutput = true,
        })!;
        var output = build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"The {Configuration} build of {Root} failed:\n{output}");
        }
    }
}
