using Google.Protobuf.Reflection;
using HotelBooking.Services.Shared.Grpc;

namespace HotelBooking.Availability.Extensions;

internal static class JsonTranscodingExtensions
{
    /// <summary>
    /// The gRPC server, and gRPC JSON transcoding: the unary read methods also answer REST/JSON on the routes
    /// their <c>google.api.http</c> options name (<c>GET /v1/hotels/{hotel_id}/availability</c>…), in every
    /// environment, on the service's own (internal) ports. Why, and where it fits beside the gateway's
    /// translation and YARP: docs/decisions/0003-translation-yarp-and-transcoding.md.
    /// </summary>
    public static IHostApplicationBuilder AddGrpcServerWithJsonTranscoding(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcServer();
        builder.Services.AddGrpc().AddJsonTranscoding(options =>
            // A failed call's JSON status carries its details (BadRequest, ErrorInfo) as the gRPC status does.
            options.TypeRegistry = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        return builder;
    }
}
