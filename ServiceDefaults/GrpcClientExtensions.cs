using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>How every HotelBooking process registers a client of an internal gRPC service.</summary>
public static class GrpcClientExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> as a singleton over one long-lived <see cref="GrpcChannel"/>
    /// per internal service (<paramref name="serviceName"/>, e.g. <c>availability</c>), created on first use
    /// and kept for the life of the process. Not IHttpClientFactory's per-client handler chain: a call then
    /// costs the channel's own work and nothing else (no handler rotation, no logging scopes, no
    /// HTTP-level resilience handler that knows nothing of gRPC status codes and would cut server streams).
    /// Only the methods in <paramref name="retryableMethods"/> get grpc-dotnet's retry policy, on
    /// <c>UNAVAILABLE</c>, with exponential backoff: list a method only when replaying it is harmless,
    /// because it reads or because it carries an idempotency key. A caller that retries at the call site
    /// instead (the gateway does, so a call that succeeds pays nothing for it) lists none.
    /// </summary>
    public static IServiceCollection AddInternalGrpcClient<TClient>(
        this IServiceCollection services,
        string serviceName,
        string grpcServiceName,
        params string[] retryableMethods) where TClient : ClientBase<TClient>
    {
        services.AddOptions<InternalGrpcChannelOptions>(serviceName);
        services.AddKeyedSingleton(serviceName, (provider, _) => CreateChannel(provider, serviceName, grpcServiceName, retryableMethods));
        services.AddSingleton(provider => (TClient)Activator.CreateInstance(typeof(TClient), provider.GetRequiredKeyedService<GrpcChannel>(serviceName))!);
        return services;
    }

    private static GrpcChannel CreateChannel(IServiceProvider provider, string serviceName, string grpcServiceName, string[] retryableMethods)
    {
        var options = provider.GetRequiredService<IOptionsMonitor<InternalGrpcChannelOptions>>().Get(serviceName);
        var configuration = provider.GetRequiredService<IConfiguration>();
        var address = options.Address ?? AddressFromConfiguration(configuration, serviceName);
        var resolver = configuration[LoadBalancingSetting] == "round_robin" ? options.Resolver ?? Dns : null;
        if (resolver is not null)
        {
            // http://availability:8080 becomes dns:///availability:8080: the resolver's name is the scheme.
            address = new Uri($"{resolver.Name}:///{address.Host}:{address.Port}");
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = options.HttpHandler ?? CreateHandler(),
            DisposeHttpClient = true,
            LoggerFactory = provider.GetService<ILoggerFactory>(),
            ServiceConfig = ServiceConfigFor(balanced: resolver is not null, grpcServiceName, retryableMethods),
            // Retried calls buffer their request messages to replay them; keep that bounded.
            MaxRetryBufferPerCallSize = 1024 * 1024,
            // Over a SocketsHttpHandler the channel manages its connection itself (grpc-dotnet's subchannels):
            // once the service is gone, calls fail fast with UNAVAILABLE until a reconnect attempt succeeds,
            // and those attempts back off exponentially, by default up to 2 minutes apart. A restarted service
            // would then stay unreachable long after it is back; retry a refused connection at least every
            // second instead (a refused connect costs next to nothing).
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            // A dns:/// address names no scheme to take TLS from; inside the cluster the calls are h2c.
            Credentials = resolver is not null ? ChannelCredentials.Insecure : null,
            ServiceProvider = resolver is not null ? new ServiceCollection().AddSingleton(resolver).BuildServiceProvider() : null,
        });
    }

    /// <summary>
    /// <c>GrpcClients:LoadBalancing</c> = <c>round_robin</c> (compose and Kubernetes set it) spreads the calls
    /// to every internal service over all of its replicas. The channel resolves the service's name to every
    /// address it has (Docker's DNS for a scaled compose service, a Kubernetes headless Service), keeps a
    /// connection to each and sends each call to the next one. Without it, one long-lived HTTP/2 connection
    /// to the name (or to a virtual IP) pins every call to one replica. DNS is asked again every
    /// <see cref="DnsRefreshInterval"/> (and after a connection breaks, no sooner than that), so new replicas get
    /// calls within that interval; a replica whose connection breaks gets none from that moment
    /// (docs/decisions/0010-client-side-load-balancing.md).
    /// </summary>
    public const string LoadBalancingSetting = "GrpcClients:LoadBalancing";

    // grpc-dotnet's DnsResolver resolves at most once every 15 s, whatever is asked of it.
    private static readonly TimeSpan DnsRefreshInterval = TimeSpan.FromSeconds(15);

    private static readonly ResolverFactory Dns = new DnsResolverFactory(DnsRefreshInterval);

    private static ServiceConfig? ServiceConfigFor(bool balanced, string grpcServiceName, string[] retryableMethods)
    {
        if (!balanced && retryableMethods.Length == 0)
        {
            return null;
        }

        var config = new ServiceConfig();
        if (balanced)
        {
            config.LoadBalancingConfigs.Add(new RoundRobinConfig());
        }

        if (retryableMethods.Length > 0)
        {
            config.MethodConfigs.Add(RetryPolicyFor(grpcServiceName, retryableMethods));
        }

        return config;
    }

    /// <summary>
    /// Where the service is, read once: <c>services:{name}:http:0</c>, the key Aspire's WithReference and
    /// docker-compose (<c>services__availability__http__0</c>) set, as Microsoft.Extensions.ServiceDiscovery's
    /// configuration provider reads it; else the DNS name itself, as its pass-through provider would.
    /// </summary>
    private static Uri AddressFromConfiguration(IConfiguration configuration, string serviceName) =>
        new(configuration[$"services:{serviceName}:http:0"] ?? $"http://{serviceName}");

    private static SocketsHttpHandler CreateHandler() => new()
    {
        // The connections stay open between bursts; keep-alive pings find the dead ones instead. A killed
        // replica's connection gets no reset (its network went with it), so the pings are what takes it out
        // of the balancer's rotation: within 15 s, for a frame every 10 s per connection.
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(10),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
        // More than 100 concurrent calls (HTTP/2's usual stream limit) open another connection instead of queueing.
        EnableMultipleHttp2Connections = true,
    };

    private static MethodConfig RetryPolicyFor(string grpcServiceName, string[] methods)
    {
        var config = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = 4,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };

        foreach (var method in methods)
        {
            config.Names.Add(new MethodName { Service = grpcServiceName, Method = method });
        }

        return config;
    }
}

/// <summary>
/// Overrides for one internal service's channel, named by the service (<c>"availability"</c>). Unset in the
/// running system; tests point a channel at an in-process server with <see cref="HttpHandler"/>.
/// </summary>
public sealed class InternalGrpcChannelOptions
{
    /// <summary>The service's address; by default read from configuration (see GrpcClientExtensions).</summary>
    public Uri? Address { get; set; }

    /// <summary>The handler the channel sends through; by default a SocketsHttpHandler of its own.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>
    /// Where a balanced channel learns the replicas' addresses; by default DNS. Tests name replicas on
    /// loopback addresses with grpc-dotnet's StaticResolverFactory, since no name resolves to several here.
    /// </summary>
    public ResolverFactory? Resolver { get; set; }
}
