using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// The gateway is the only door: who may use the admin API (JWT bearer with the admin role), how often a
/// client may book or search (ASP.NET Core's rate limiter, per client address), which proxy may name that
/// address, and the headers every response carries.
/// </summary>
internal static class EdgeSecurityExtensions
{
    public const string AdminPolicy = "admin";

    public static WebApplicationBuilder AddEdgeSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // Issuer, audiences and signing keys come from configuration (Authentication:Schemes:Bearer):
        // in Development from `dotnet user-jwts`, elsewhere from the environment; never from the repository.
        services.AddAuthentication().AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters.RoleClaimType = "role";
            // Admin tokens are HS256 with the configured key; any other algorithm is refused, whatever the key.
            options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            // Hosts' clocks agree to within seconds; the default 5 minutes would keep an expired token working that long.
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        });
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole("admin"));

        var limits = builder.Configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new();
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<RateLimitingOptions>>((forwarded, rateLimiting) =>
        {
            // The middleware believes every sender when both lists are empty, so "no trusted proxy" must switch
            // the header off instead: otherwise any client could pick a new address, and a new limit, per request.
            var trusted = rateLimiting.Value.TrustedNetworks().ToList();
            forwarded.ForwardedHeaders = trusted.Count > 0 ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            trusted.ForEach(forwarded.KnownIPNetworks.Add);
        });
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(RateLimitingOptions.BookingsPolicy, context => PerClient(context, limits, limits.BookingsPerWindow));
            options.AddPolicy(RateLimitingOptions.SearchesPolicy, context => PerClient(context, limits, limits.SearchesPerWindow));
            options.OnRejected = WriteTooManyRequestsAsync;
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel refuses a request over these limits (431) while parsing it, before the middleware pipeline
            // exists for it, so that 431 has no problem body: no handler of ours ever sees the request.
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 64;
        });
        return builder;
    }

    /// <summary>First in the pipeline: the real client address, and the headers every response carries.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!context.Request.Path.StartsWithSegments("/swagger"))
            {
                // The page loads its script and styles from the gateway and talks only to it.
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
            }

            return next(context);
        });
        return app;
    }

    /// <summary>After CORS and static files: rate limits, then who the caller is and what it may do.</summary>
    public static WebApplication UseAccessControl(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, RateLimitingOptions limits, int permits) =>
        !limits.Enabled
            ? RateLimitPartition.GetNoLimiter("off")
            : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = limits.Window,
                QueueLimit = 0,
            });

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"This client sent too many requests; try again in {http.Response.Headers.RetryAfter} s.",
            },
        });
    }
}
