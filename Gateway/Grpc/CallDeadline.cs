using HotelBooking.Gateway.Extensions;
using Microsoft.Extensions.Options;

namespace HotelBooking.Gateway.Grpc;

/// <summary>
/// The deadline every unary call from the gateway passes: <see cref="GatewayOptions.RequestTimeout"/> from now,
/// so a slow or stuck service becomes a 504, never a hang. Given in the call's options, not by an
/// interceptor, so a call costs no interception. Streams have none: they last as long as the browser stays.
/// </summary>
public sealed class CallDeadline(IOptions<GatewayOptions> options, TimeProvider time)
{
    public DateTime FromNow() => time.GetUtcNow().UtcDateTime + options.Value.RequestTimeout;
}
