using System.Net;
using System.Net.Sockets;

namespace HotelBooking.EndToEnd.Infrastructure;

/// <summary>
/// Connections from a chosen 127.x.y.z address: on Linux every address in 127.0.0.0/8 is the local machine,
/// so one test can be many clients to the gateway's per-client limits.
/// </summary>
public static class LoopbackClient
{
    public static SocketsHttpHandler Handler(string localAddress) => new()
    {
        // A response disposed before its end closes its connection at once, instead of being drained for
        // reuse: an abandoned stream frees its place at the gateway now, not after the drain timeout.
        MaxResponseDrainSize = 0,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient Http(string localAddress, Uri baseAddress) =>
        new(Handler(localAddress)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
