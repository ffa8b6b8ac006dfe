using Microsoft.AspNetCore.Cors.Infrastructure;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// Browsers do not apply CORS to WebSockets, so a page on any site could open one with the visitor's
/// network position. The socket accepts the gateway's own pages, the origins CORS allows, and clients that
/// send no Origin at all (not browsers, so nothing to forge).
/// </summary>
internal static class WebSocketOrigin
{
    public static async Task<bool> IsAllowedAsync(HttpContext http, ICorsPolicyProvider cors)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var policy = await cors.GetPolicyAsync(http, policyName: null);
        return policy?.IsOriginAllowed(origin) == true;
    }
}
