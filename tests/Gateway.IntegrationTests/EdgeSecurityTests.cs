using System.Net;
using System.Security.Cryptography;
using System.Text;
using HotelBooking.Gateway.Apis;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>
/// What the gateway decides on its own, before any service is called: the rate limiter (on, as in
/// Production), which proxy may name the client, who may use the admin API, and the response headers.
/// Requests here are refused by the gateway's own validation, so no downstream service is needed.
/// </summary>
public sealed class EdgeSecurityTests : IDisposable
{
    private const string TrustedProxy = "10.0.0.1";
    // 512 bits, so a token signed HS512 with this very key can be made (and must be refused).
    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(64);
    private readonly WebApplicationFactory<BookingDto> _gateway = new WebApplicationFactory<BookingDto>().WithWebHostBuilder(builder =>
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("RateLimiting:Enabled", "true");
        builder.UseSetting("RateLimiting:BookingsPerWindow", "3");
        builder.UseSetting("RateLimiting:TrustedProxies:0", TrustedProxy);
        builder.UseSetting("Authentication:Schemes:Bearer:SigningKeys:0:Issuer", "hotelbooking");
        builder.UseSetting("Authentication:Schemes:Bearer:SigningKeys:0:Value", Convert.ToBase64String(SigningKey));
    });

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task Bookings_OverTheLimitFromOneClient_429ProblemWithRetryAfter()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await _gateway.PostInvalidBookingAsync(remote: "192.0.2.10")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
        var refused = await _gateway.PostInvalidBookingAsync(remote: "192.0.2.10");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Equal(HttpStatusCode.BadRequest, (await _gateway.PostInvalidBookingAsync(remote: "192.0.2.11")).StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromTheTrustedProxy_NamesTheClient()
    {
        for (var i = 0; i < 3; i++)
        {
            await _gateway.PostInvalidBookingAsync(remote: TrustedProxy, forwardedFor: "198.51.100.1");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await _gateway.PostInvalidBookingAsync(remote: TrustedProxy, forwardedFor: "198.51.100.1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _gateway.PostInvalidBookingAsync(remote: TrustedProxy, forwardedFor: "198.51.100.2")).StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromAnyoneElse_Ignored()
    {
        for (var i = 0; i < 3; i++)
        {
            await _gateway.PostInvalidBookingAsync(remote: "192.0.2.20", forwardedFor: $"198.51.100.{10 + i}");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await _gateway.PostInvalidBookingAsync(remote: "192.0.2.20", forwardedFor: "198.51.100.99")).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("guest", HttpStatusCode.Forbidden)]
    [InlineData("forged", HttpStatusCode.Unauthorized)]
    public async Task AdminImport_WithoutAnAdminToken_RefusedWithAProblem(string? who, HttpStatusCode expected)
    {
        var token = who is null ? null : Token(role: who == "guest" ? "guest" : "admin",
            key: who == "forged" ? RandomNumberGenerator.GetBytes(32) : SigningKey);

        var response = await ImportAsync(token);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"traceId\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BearerToken_ReadOnlyByTheAdminApi()
    {
        var tokensRead = 0;
        using var gateway = _gateway.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.Events = new()
            {
                OnMessageReceived = _ =>
                {
                    Interlocked.Increment(ref tokensRead);
                    return Task.CompletedTask;
                },
            })));
        var token = Token("guest", SigningKey);

        // A booking (refused by the gateway's own validation) with a token: the bearer handler never runs.
        var booking = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        booking.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.CreateClient().SendAsync(booking)).StatusCode);
        Assert.Equal(0, tokensRead);

        // The admin API reads the same token, and refuses a guest.
        var import = new HttpRequestMessage(HttpMethod.Post, "/api/admin/inventory") { Content = new StringContent("{}\n", Encoding.UTF8, "application/x-ndjson") };
        import.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.CreateClient().SendAsync(import)).StatusCode);
        Assert.True(tokensRead > 0);
    }

    [Fact]
    public async Task WebPage_SecurityHeaders()
    {
        var response = await _gateway.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Cors_InProductionWithoutConfiguredOrigins_NoOriginAllowed()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/bookings");
        request.Headers.Add("Origin", "http://localhost:5173");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await _gateway.CreateClient().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AdminImport_AdminTokenNotSignedHs256_401()
    {
        var response = await ImportAsync(Token("admin", SigningKey, algorithm: SecurityAlgorithms.HmacSha512));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminImport_AdminTokenExpiredAMinuteAgo_401()
    {
        var response = await ImportAsync(Token("admin", SigningKey, expires: DateTime.UtcNow.AddMinutes(-1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<HttpResponseMessage> ImportAsync(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/inventory")
        {
            Content = new StringContent("{}\n", Encoding.UTF8, "application/x-ndjson"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return _gateway.CreateClient().SendAsync(request);
    }

    private static string Token(string role, byte[] key, string algorithm = SecurityAlgorithms.HmacSha256, DateTime? expires = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "hotelbooking",
            Audience = "hotelbooking",
            Claims = new Dictionary<string, object> { ["role"] = role },
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), algorithm),
        });
    }
}
