using System.Text.RegularExpressions;
using System.Xml.Linq;
using HotelBooking.Tests;

namespace HotelBooking.UnitTests.Architecture;

/// <summary>
/// The seams people copy from this codebase, checked on the source: domain code free of transport types,
/// ServiceDefaults free of database and gRPC-server packages, and each Program.cs a short table of contents.
/// </summary>
public class LayeringTests
{
    // The folders whose code is the business: outcomes in, outcomes out. The gRPC service classes (Grpc/)
    // are the one place that maps them to statuses and proto messages.
    private static readonly string[] DomainFolders =
    [
        "Services/Availability/Domain",
        "Services/Availability/Quotes",
        "Services/Availability/Holds",
        "Services/Availability/Streaming",
        "Services/Availability/ReadModel",
        "Services/Availability/Search",
        "Services/Booking/Domain",
        "Services/Booking/Saga",
        "Services/Payment/Domain",
    ];

    // Grpc.Core (RpcException, Status, stream readers and writers), the RpcErrors helpers, generated proto
    // types (Proto./AvailabilityProto./... aliases and the *.V1 namespaces) and google.rpc/protobuf types.
    private static readonly Regex TransportType = new(
        @"\bGrpc\.Core\b|\bRpcException\b|\bRpcErrors\b|\b\w*Proto\.|\bContracts(\.\w+)*\.V1\b|\bGoogle\.Rpc\b|\bGoogle\.Protobuf\b",
        RegexOptions.Compiled);

    [Fact]
    public void DomainFolders_SourceFiles_UseNoTransportTypes()
    {
        var offences = DomainFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories))
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(x => !x.line.TrimStart().StartsWith("//") && TransportType.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(Root, x.file)}:{x.number}: {x.line.Trim()}")
            .ToList();

        Assert.True(offences.Count == 0, "Transport types in domain code:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void ServiceDefaults_PackageReferences_NoDatabaseOrGrpcServerPackage()
    {
        var project = XDocument.Load(Path.Combine(Root, "ServiceDefaults/ServiceDefaults.csproj"));
        var references = project.Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .ToList();

        var forbidden = references.Where(r =>
            r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
            || r.StartsWith("Npgsql", StringComparison.Ordinal)
            || r.StartsWith("OpenTelemetry.Instrumentation.EntityFrameworkCore", StringComparison.Ordinal)
            || r.StartsWith("Grpc.AspNetCore", StringComparison.Ordinal)
            || r.Contains("Contracts", StringComparison.Ordinal)).ToList();

        Assert.True(forbidden.Count == 0, "ServiceDefaults references: " + string.Join(", ", forbidden));
    }

    [Theory]
    [InlineData("AppHost/Program.cs")]
    [InlineData("Gateway/Program.cs")]
    [InlineData("Services/Availability/Program.cs")]
    [InlineData("Services/Booking/Program.cs")]
    [InlineData("Services/Payment/Program.cs")]
    public void ProgramCs_ReadsLikeATableOfContents_AtMost30Lines(string path)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, path));

        Assert.True(lines.Length <= 30, $"{path} has {lines.Length} lines; move the detail into a well-named extension.");
    }

    private static string Root => RepositoryRoot.Path;
}
