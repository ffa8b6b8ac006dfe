using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
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

        // ASP.NET Core makes a lone scheme the default, and the authentication middleware then runs its handler
        // for every request. Without a default it runs none: the admin policy names the bearer scheme, so a
        // token is read only on a route that requires one (the documented switch; read when options are built).
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
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
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireRole("admin"));

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
            options.AddPolicy(RateLimitingOptions.BookingsPolicy, PerClient(limits, limits.BookingsPerWindow));
            options.AddPolicy(RateLimitingOptions.SearchesPolicy, PerClient(limits, limits.SearchesPerWindow));
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
        // Kept, though with no default scheme it authenticates nobody: without the call WebApplication would add
        // it itself, at the front. The authorization middleware authenticates with the scheme a policy names.
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// One fixed window per client address. The partition is keyed by the connection's <see cref="IPAddress"/>
    /// itself (set by Kestrel per connection, or by the forwarded-headers middleware from a trusted proxy), and the
    /// window's settings are made once: a request allocates nothing here to find its partition.
    /// </summary>
    private static Func<HttpContext, RateLimitPartition<IPAddress>> PerClient(RateLimitingOptions limits, int permits)
    {
        if (!limits.Enabled)
        {
            var off = RateLimitPartition.GetNoLimiter(IPAddress.None);
            return _ => off;
        }

        // What RateLimitPartition.GetFixedWindowLimiter builds, made once instead of per request; the partitioned
        // limiter replenishes every window from its own timer, hence no timer per window.
        var window = new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = limits.Window, QueueLimit = 0, AutoReplenishment = false };
        Func<IPAddress, RateLimiter> newWindow = _ => new FixedWindowRateLimiter(window);
        // No client address (a test server, a Unix socket) shares one partition, as "unknown" did; 255.255.255.255
        // is never the source of a real request.
        return context => RateLimitPartition.Get(context.Connection.RemoteIpAddress ?? IPAddress.None, newWindow);
    }

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
