using System.Security.Cryptography;
using System.Text;

namespace HotelBooking.Contracts;

/// <summary>
/// The one way a service fingerprints a request to tell a retry from a reused request id without keeping the request
/// (a card token, say): SHA-256 of its parts as text, one a line, in lower-case hex (64 characters). Stored
/// fingerprints are compared with those of later retries, so the parts and their order never change for a call.
/// </summary>
public static class RequestFingerprint
{
    public const int Length = 64;

    public static string Of(params ReadOnlySpan<object?> parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))));
}
