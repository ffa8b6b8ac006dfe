using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotelBooking.Services.Shared.Grpc;

/// <summary>The gRPC server as every internal service runs it.</summary>
public static class GrpcServerExtensions
{
    /// <summary>gRPC with message size limits, and the gRPC health service (map it with <c>MapGrpcHealthChecksService()</c>).</summary>
    public static IHostApplicationBuilder AddGrpcServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            // No message of this system comes near these; a larger one is refused (RESOURCE_EXHAUSTED).
            options.MaxReceiveMessageSize = 1024 * 1024;
            options.MaxSendMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }
}
