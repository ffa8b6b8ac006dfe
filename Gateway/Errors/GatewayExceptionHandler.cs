using System.Text.Json;
using Grpc.Core;
using HotelBooking.Gateway.Extensions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HotelBooking.Gateway.Errors;

/// <summary>Where gRPC errors and unreadable requests become problem responses, and only here.</summary>
internal sealed class GatewayExceptionHandler(
    IProblemDetailsService problemDetails,
    IOptions<GatewayOptions> options,
    ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            RpcException rpc => GrpcProblemMapping.ToProblem(rpc),
            BadHttpRequestException bad => FromBadRequest(bad),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        if (exception is RpcException { StatusCode: var code } && problem.Status >= 500)
        {
            GatewayLog.DownstreamFailed(logger, BookingIdRedaction.Redact(httpContext.Request.Path), code);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString();
        }

        return await problemDetails.TryWriteAsync(new() { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            // A syntax error (truncated, not JSON at all) wraps the reader's own exception; a value of the
            // wrong type does not, and its path names the field.
            var isSyntaxError = json.InnerException is JsonException;
            var field = isSyntaxError || string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [field == "body" ? "The body is not valid JSON." : $"'{field}' has a value of the wrong type or format."],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body could not be read.",
            };
        }

        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Title = exception.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
                _ => "The request could not be read.",
            },
            Detail = exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"Request bodies are limited to {options.Value.MaxRequestBodyBytes / 1024} KiB."
                : exception.Message,
        };
    }
}

internal static partial class GatewayLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Downstream call for {Path} failed with {StatusCode}")]
    public static partial void DownstreamFailed(ILogger logger, string path, StatusCode statusCode);
}
