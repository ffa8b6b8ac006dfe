using System.Text.Json;
using System.Text.RegularExpressions;
using HotelBooking.Gateway.Apis;
using HotelBooking.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>
/// The docs state routes, methods and ports; these tests compare each statement with the code or the
/// configuration it describes, so a change to one without the other fails CI instead of misleading a reader.
/// </summary>
public sealed partial class DocumentationTests : IDisposable
{
    private static readonly string Root = RepositoryRoot.Path;
    // Not the public API: probes for orchestrators, defined by ServiceDefaults.
    private static readonly HashSet<string> OperationalPaths = ["/health", "/alive"];

    private readonly WebApplicationFactory<BookingDto> _gateway = new WebApplicationFactory<BookingDto>()
        .WithWebHostBuilder(builder => builder.UseEnvironment("Production"));

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public void ApiDoc_RestRoutes_MatchTheGatewayEndpoints()
    {
        var documented = DocumentedRestRoutes();
        var mapped = MappedRestRoutes();

        AssertSameSet("docs/api.md's REST route table", documented, "the gateway's endpoints", mapped);
    }

    [Fact]
    public void Docs_GrpcEdgeMethods_MatchTheYarpRoutes()
    {
        var documented = Matches(GrpcEdgeMethodRow(), Read("docs/api.md")).Select(m => m.Groups["path"].Value).ToHashSet();
        var routed = Configuration().GetSection("ReverseProxy:Routes").GetChildren()
            .Select(route => route["Match:Path"] ?? "")
            .ToHashSet();

        AssertSameSet("docs/api.md's gRPC edge table", documented, "ReverseProxy:Routes in Gateway/appsettings.json", routed);
        // Prose that counts the forwarded methods must count right (better: no count in prose).
        foreach (var (file, text) in MarkdownFiles())
        {
            foreach (Match count in ForwardedMethodCount().Matches(text))
            {
                Assert.True(NumberWords.IndexOf(count.Groups["count"].Value.ToLowerInvariant()) == routed.Count,
                    $"{file} says \"{count.Value}\", but the gRPC edge has {routed.Count} routes.");
            }
        }
    }

    [Fact]
    public void Docs_Ports_MatchConfiguration()
    {
        var configuration = Configuration();
        var restPort = new Uri(configuration["Kestrel:Endpoints:Rest:Url"]!).Port;
        var grpcEdgePort = new Uri(configuration["Kestrel:Endpoints:GrpcEdge:Url"]!).Port;

        var api = Read("docs/api.md");
        AssertDocumentedPort(api, "REST API", restPort, "Kestrel:Endpoints:Rest:Url");
        AssertDocumentedPort(api, "gRPC edge", grpcEdgePort, "Kestrel:Endpoints:GrpcEdge:Url");

        // The same ports where the gateway is started: dotnet run, the container image, docker compose.
        using var launch = JsonDocument.Parse(Read("Gateway/Properties/launchSettings.json"));
        Assert.Equal(restPort, new Uri(launch.RootElement.GetProperty("profiles").GetProperty("http").GetProperty("applicationUrl").GetString()!).Port);
        var dockerfile = Read("Gateway/Dockerfile");
        Assert.Contains($"Kestrel__Endpoints__Rest__Url=http://+:{restPort}", dockerfile);
        Assert.Contains($"Kestrel__Endpoints__GrpcEdge__Url=http://+:{grpcEdgePort}", dockerfile);
        var compose = Read("docker-compose.yml");
        Assert.Contains($"\"{restPort}:{restPort}\"", compose);
        Assert.Contains($"\"{grpcEdgePort}:{grpcEdgePort}\"", compose);

        // Every local address the docs give is a port something in the repository listens on.
        var known = new HashSet<int> { restPort, grpcEdgePort, AppHostDashboardPort() };
        known.UnionWith(PublishedPort().Matches(compose).Select(m => int.Parse(m.Groups["port"].Value)));
        // Inside a container (a compose healthcheck, a Kubernetes probe): the ports the images expose.
        known.UnionWith(new[] { "Gateway/Dockerfile", "Services/Availability/Dockerfile", "Services/Booking/Dockerfile", "Services/Payment/Dockerfile" }
            .SelectMany(file => ExposedPorts().Matches(Read(file)))
            .SelectMany(m => m.Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)));
        var unknown = MarkdownFiles()
            .SelectMany(doc => LocalAddress().Matches(doc.Text).Select(m => (doc.File, Port: int.Parse(m.Groups["port"].Value))))
            .Where(address => !known.Contains(address.Port))
            .Select(address => $"{address.File}: port {address.Port}")
            .Distinct()
            .ToList();
        Assert.True(unknown.Count == 0,
            $"Documented ports that no configuration declares (known: {string.Join(", ", known)}):\n  {string.Join("\n  ", unknown)}");
    }

    [Fact]
    public void Docs_RelativeLinks_Resolve()
    {
        var broken = new List<string>();
        foreach (var (file, text) in MarkdownFiles())
        {
            var directory = Path.GetDirectoryName(Path.Combine(Root, file))!;
            foreach (Match link in MarkdownLink().Matches(text))
            {
                var parts = link.Groups["target"].Value.Split('#', 2);
                var (target, anchor) = (parts[0], parts.Length > 1 ? parts[1] : null);
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = target.Length == 0 ? Path.Combine(Root, file) : Path.GetFullPath(Path.Combine(directory, Uri.UnescapeDataString(target)));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{file}: ({link.Groups["target"].Value}): no such file");
                }
                else if (anchor is not null && path.EndsWith(".md", StringComparison.Ordinal) && !HeadingAnchors(File.ReadAllText(path)).Contains(anchor))
                {
                    broken.Add($"{file}: ({link.Groups["target"].Value}): no such heading");
                }
            }
        }

        Assert.True(broken.Count == 0, $"Broken relative links:\n  {string.Join("\n  ", broken)}");
    }

    private static HashSet<string> DocumentedRestRoutes() =>
        Matches(RestRouteRow(), Read("docs/api.md"))
            .Select(m => $"{m.Groups["method"].Value} {Normalize(m.Groups["path"].Value)}")
            .ToHashSet();

    private HashSet<string> MappedRestRoutes()
    {
        var endpoints = _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        return endpoints.OfType<RouteEndpoint>()
            // YARP's routes are the gRPC edge, documented in their own table.
            .Where(e => !e.Metadata.Any(m => m.GetType().Namespace?.StartsWith("Yarp.", StringComparison.Ordinal) == true))
            .Where(e => !OperationalPaths.Contains(Normalize(e.RoutePattern.RawText ?? "")))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => $"{method} {Normalize(e.RoutePattern.RawText ?? "")}"))
            .ToHashSet();
    }

    private static void AssertSameSet(string documentedName, HashSet<string> documented, string actualName, HashSet<string> actual)
    {
        var missing = documented.Except(actual).Order().ToList();
        var undocumented = actual.Except(documented).Order().ToList();
        Assert.True(documented.Count > 0, $"{documentedName} is empty or could not be parsed.");
        Assert.True(missing.Count == 0 && undocumented.Count == 0,
            $"{documentedName} and {actualName} disagree.\n"
            + $"Documented but missing from {actualName}:\n  {string.Join("\n  ", missing)}\n"
            + $"In {actualName} but not documented:\n  {string.Join("\n  ", undocumented)}");
    }

    /// <summary>The port in a heading such as "## REST API (port 5080)" is the configured one.</summary>
    private static void AssertDocumentedPort(string markdown, string heading, int configured, string setting)
    {
        var match = Regex.Match(markdown, $@"^#+ [^\n]*{Regex.Escape(heading)}[^\n]*\(port (?<port>\d+)\)", RegexOptions.Multiline);
        Assert.True(match.Success, $"docs/api.md has no heading \"{heading} (port N)\".");
        Assert.True(match.Groups["port"].Value == configured.ToString(),
            $"docs/api.md gives the {heading} port {match.Groups["port"].Value}; {setting} says {configured}.");
    }

    /// <summary>The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> HeadingAnchors(string markdown) =>
        Heading().Matches(markdown)
            .Select(m => string.Concat(m.Groups["text"].Value.Trim().ToLowerInvariant()
                .Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_'))
                .Replace(' ', '-'))
            .ToHashSet();

    private IConfiguration Configuration() => _gateway.Services.GetRequiredService<IConfiguration>();

    private static int AppHostDashboardPort()
    {
        using var launch = JsonDocument.Parse(Read("AppHost/Properties/launchSettings.json"));
        return new Uri(launch.RootElement.GetProperty("profiles").GetProperty("http").GetProperty("applicationUrl").GetString()!).Port;
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static IEnumerable<Match> Matches(Regex regex, string text) => regex.Matches(text);

    private static IEnumerable<(string File, string Text)> MarkdownFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Prepend(Path.Combine(Root, "README.md"))
            .Select(path => (Path.GetRelativePath(Root, path), File.ReadAllText(path)));

    private static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static readonly List<string> NumberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

    /// <summary>A row of the REST table: <c>| GET | `/api/hotels/{hotelId}` | …</c>.</summary>
    [GeneratedRegex(@"^\| *(?<method>GET|POST|PUT|PATCH|DELETE) *\| *`(?<path>/[^`]*)` *\|", RegexOptions.Multiline)]
    private static partial Regex RestRouteRow();

    /// <summary>A row of the gRPC edge table: <c>| `/hotelbooking.availability.v1.AvailabilityService/GetHotel` | …</c>.</summary>
    [GeneratedRegex(@"^\| *`(?<path>/hotelbooking\.[^`]+)` *\|", RegexOptions.Multiline)]
    private static partial Regex GrpcEdgeMethodRow();

    [GeneratedRegex(@"forwards (exactly )?(?<count>zero|one|two|three|four|five|six|seven|eight|nine|ten) (\w+ )?methods", RegexOptions.IgnoreCase)]
    private static partial Regex ForwardedMethodCount();

    [GeneratedRegex(@"(localhost|127\.0\.0\.1):(?<port>\d+)")]
    private static partial Regex LocalAddress();

    /// <summary>A published port in docker-compose.yml: <c>- "5080:5080"</c> or <c>- "127.0.0.1:18888:18888"</c>.</summary>
    [GeneratedRegex(@"- ""(?:[\d.]+:)?(?<port>\d+):\d+""")]
    private static partial Regex PublishedPort();

    [GeneratedRegex(@"^EXPOSE (?<ports>[\d ]+)$", RegexOptions.Multiline)]
    private static partial Regex ExposedPorts();

    [GeneratedRegex(@"^#{1,6} +(?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    /// <summary>A markdown link or image: <c>[text](target)</c>.</summary>
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
