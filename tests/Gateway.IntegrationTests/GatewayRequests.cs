using System.Net;
using HotelBooking.Gateway.Apis;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>Requests sent straight into the in-process gateway, from a client address the test picks.</summary>
internal static class GatewayRequests
{
    /// <summary>An invalid booking (the gateway refuses it itself, after the rate limiter) from a given client address.</summary>
    public static async Task<HttpResponseMessage> PostInvalidBookingAsync(this WebApplicationFactory<BookingDto> gateway, string remote, string? forwardedFor = null)
    {
        var context = await gateway.Server.SendAsync(http =>
        {
            http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            http.Request.Method = "POST";
            http.Request.Path = "/api/bookings";
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream("{}"u8.ToArray());
            if (forwardedFor is not null)
            {
                http.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        return ToResponse(context);
    }

    /// <summary>A GET of <paramref name="pathAndQuery"/> from a given client address.</summary>
    public static async Task<HttpResponseMessage> GetFromAsync(this WebApplicationFactory<BookingDto> gateway, string remote, string pathAndQuery)
    {
        var uri = new Uri(new Uri("http://localhost"), pathAndQuery);
        var context = await gateway.Server.SendAsync(http =>
        {
            http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            http.Request.Method = "GET";
            http.Request.Path = uri.AbsolutePath;
            http.Request.QueryString = new(uri.Query);
        });
        return ToResponse(context);
    }

    private static HttpResponseMessage ToResponse(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var response = new HttpResponseMessage((HttpStatusCode)context.Response.StatusCode)
        {
            Content = new StreamContent(context.Response.Body),
        };
        foreach (var (name, values) in context.Response.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
            {
                response.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        return response;
    }
}
