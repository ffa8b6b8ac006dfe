using System.Diagnostics;

namespace HotelBooking.Gateway.Errors;

public static class TraceHeaders
{
    /// <summary>The response header that carries the request's W3C trace id.</summary>
    public const string TraceId = "X-Trace-Id";

    /// <summary>Every response names its trace, so a user can quote it; problem bodies also carry it as traceId.</summary>
    public static IApplicationBuilder UseTraceIdHeader(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (Activity.Current is { } activity)
        {
            // At the last moment: the exception handler clears headers set earlier.
            var traceId = activity.TraceId.ToString();
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[TraceId] = traceId;
                return Task.CompletedTask;
            });
        }

        return next(context);
    });
}
