using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using HotelBooking.Contracts.Availability.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotelBooking.Services.IntegrationTests.LoadBalancing;

/// <summary>
/// The internal gRPC channel as the services register it, with <c>GrpcClients:LoadBalancing = round_robin</c>
/// or without, over real sockets to two replicas of one service on 127.0.0.1 and 127.0.0.2 that each say who
/// they are. No name resolves to both here, so the replicas' addresses come from grpc-dotnet's static
/// resolver instead of DNS (a scaled compose service or a headless Service gives DNS several addresses).
/// </summary>
public sealed class ClientSideLoadBalancingTests
{
    private static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Calls_RoundRobinOverTwoReplicas_SpreadOverBoth_AndTheSurvivorTakesAllWhenOneStops()
    {
        var port = FreePort();
        await using var first = await ReplicaAsync("replica-1", First, port);
        await using var second = await ReplicaAsync("replica-2", Second, port);
        using var client = Client($"http://availability:{port}", loadBalancing: "round_robin", port);
        var availability = client.GetRequiredService<AvailabilityService.AvailabilityServiceClient>();

        var answeredBy = await AnswersAsync(availability, 20);

        // round_robin alternates once both connections are up; the first calls may go to the first one ready.
        Assert.True(answeredBy.Count(r => r == "replica-1") >= 5, string.Join(", ", answeredBy));
        Assert.True(answeredBy.Count(r => r == "replica-2") >= 5, string.Join(", ", answeredBy));

        await second.StopAsync();
        // A call already on its way to the stopping replica may fail; the balancer then stops picking it.
        var afterStop = new List<string>();
        var failures = new List<StatusCode>();
        while (afterStop.Count < 10 && failures.Count <= 2)
        {
            try
            {
                afterStop.Add(await WhoAnswersAsync(availability));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                failures.Add(e.StatusCode);
            }
        }

        Assert.Equal(Enumerable.Repeat("replica-1", 10), afterStop);
    }

    [Fact]
    public async Task Calls_NoLoadBalancing_TheAddressAsConfigured()
    {
        var port = FreePort();
        await using var first = await ReplicaAsync("replica-1", First, port);
        await using var second = await ReplicaAsync("replica-2", Second, port);
        using var client = Client($"http://127.0.0.2:{port}", loadBalancing: null, port);
        var availability = client.GetRequiredService<AvailabilityService.AvailabilityServiceClient>();

        var answeredBy = await AnswersAsync(availability, 10);

        Assert.Equal(Enumerable.Repeat("replica-2", 10), answeredBy);
    }

    private static async Task<List<string>> AnswersAsync(AvailabilityService.AvailabilityServiceClient availability, int calls)
    {
        var answeredBy = new List<string>();
        for (var i = 0; i < calls; i++)
        {
            answeredBy.Add(await WhoAnswersAsync(availability));
        }

        return answeredBy;
    }

    private static async Task<string> WhoAnswersAsync(AvailabilityService.AvailabilityServiceClient availability)
    {
        var response = await availability.ListCitiesAsync(new ListCitiesRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        return response.Cities[0].Name;
    }

    /// <summary>A client as a service registers it, the address and the setting from configuration.</summary>
    private static ServiceProvider Client(string address, string? loadBalancing, int port) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["services:availability:http:0"] = address,
                [GrpcClientExtensions.LoadBalancingSetting] = loadBalancing,
            }).Build())
            .AddInternalGrpcClient<AvailabilityService.AvailabilityServiceClient>("availability", AvailabilityService.Descriptor.FullName)
            .Configure<InternalGrpcChannelOptions>("availability", options => options.Resolver =
                new StaticResolverFactory(_ => [new BalancerAddress(First.ToString(), port), new BalancerAddress(Second.ToString(), port)]))
            .BuildServiceProvider();

    private static async Task<WebApplication> ReplicaAsync(string name, IPAddress address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ReplicaName(name));
        var app = builder.Build();
        app.MapGrpcService<NamedReplica>();
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record ReplicaName(string Value);

    /// <summary>An availability replica whose one city is its own name.</summary>
    private sealed class NamedReplica(ReplicaName name) : AvailabilityService.AvailabilityServiceBase
    {
        public override Task<ListCitiesResponse> ListCities(ListCitiesRequest request, ServerCallContext context) =>
            Task.FromResult(new ListCitiesResponse { Cities = { new City { Name = name.Value, HotelCount = 1 } } });
    }
}
