using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>How every HotelBooking process registers a client of an internal gRPC service.</summary>
public static class GrpcClientExtensions
{
    /// <summary>
    /// Registers a typed gRPC client for <paramref name="address"/> (an Aspire service-discovery name
    /// such as <c>http://availability</c>). Only the methods in <paramref name="retryableMethods"/> are
    /// retried, on <c>UNAVAILABLE</c>, with exponential backoff: list a method only when replaying it is
    /// harmless, because it reads or because it carries an idempotency key.
    /// </summary>
    public static IHttpClientBuilder AddInternalGrpcClient<TClient>(
        this IServiceCollection services,
        string address,
        string grpcServiceName,
        params string[] retryableMethods) where TClient : class
    {
        var builder = services
            .AddGrpcClient<TClient>(options => options.Address = new Uri(address))
            .ConfigureChannel(channel =>
            {
                channel.ServiceConfig = new ServiceConfig { MethodConfigs = { RetryPolicyFor(grpcServiceName, retryableMethods) } };
                // Retries buffer the request; keep that bounded.
                channel.MaxRetryBufferPerCallSize = 1024 * 1024;
            });

        // The HTTP-level resilience handler added to every HttpClient knows nothing of gRPC status codes
        // and its timeouts would cut server streams; gRPC has deadlines and its own retry policy.
#pragma warning disable EXTEXP0001 // Experimental, but the documented way to opt one client out of the defaults.
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

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
